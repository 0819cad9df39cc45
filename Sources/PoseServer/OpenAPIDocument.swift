/// The OpenAPI 3 document of the pose-query API, served at `GET /openapi.yaml`.
/// `OpenAPIDocumentTests` checks that its paths and methods are exactly the router's.
public enum OpenAPIDocument {
    public static let yaml = #"""
openapi: 3.0.3
info:
  title: LandmarkAR pose-query API
  version: 1.0.0
  description: |
    Localize camera frames against registered landmarks (6-DoF pose in the landmark frame:
    right-handed, Y up, metres) and manage the served landmarks. Poses are
    `cameraFromLandmark` in OpenCV camera axes (x right, y down, z forward), as COLMAP's
    cam_from_world: x_camera = R x_landmark + t; rotations are unit quaternions [w, x, y, z].
    Every error is JSON: {"error": {"message": "..."}}.
servers:
  - url: http://127.0.0.1:8080
security:
  - bearer: []
  - apiKey: []
paths:
  /healthz:
    get:
      summary: Liveness; the number of landmarks served.
      security: []
      responses:
        "200":
          description: Serving.
          content:
            application/json:
              schema:
                type: object
                properties:
                  status: {type: string, example: ok}
                  landmarks: {type: integer}
  /metrics:
    get:
      summary: Prometheus text exposition (requests by route and status, latency histograms per stage, maps loaded, resident memory).
      security: []
      responses:
        "200":
          description: Metrics.
          content:
            text/plain:
              schema: {type: string}
  /openapi.yaml:
    get:
      summary: This document.
      security: []
      responses:
        "200":
          description: The OpenAPI document.
          content:
            application/yaml:
              schema: {type: string}
  /v1/landmarks:
    get:
      summary: The landmarks served (query or admin key).
      responses:
        "200":
          description: Summaries.
          content:
            application/json:
              schema:
                type: object
                properties:
                  landmarks:
                    type: array
                    items: {$ref: "#/components/schemas/Landmark"}
        "401": {$ref: "#/components/responses/Error"}
  /v1/landmarks/{id}:
    parameters:
      - $ref: "#/components/parameters/LandmarkID"
    get:
      summary: One landmark's metadata, frame, scale and anchors (query or admin key).
      responses:
        "200":
          description: Summary.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Landmark"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
    put:
      summary: Upload a .landmark file (admin key). Validated fully, then swapped in atomically and served without a restart; a corrupt upload is refused (422) and the previous map keeps serving.
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema: {type: string, format: binary}
      responses:
        "200":
          description: Replaced an existing landmark.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Landmark"}
        "201":
          description: Added a new landmark.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Landmark"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "413": {$ref: "#/components/responses/Error"}
        "422": {$ref: "#/components/responses/Error"}
    delete:
      summary: Stop serving a landmark and delete its file (admin key).
      responses:
        "200":
          description: Deleted.
          content:
            application/json:
              schema:
                type: object
                properties:
                  deleted: {type: string}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
  /v1/landmarks/{id}/localize:
    parameters:
      - $ref: "#/components/parameters/LandmarkID"
    post:
      summary: Localize one camera frame (query or admin key).
      description: |
        Send the frame as the body (image/jpeg or image/png), or as multipart/form-data with
        a part named "image" and an optional part named "prior" (JSON pose). A tracking
        prior may also come in the X-Prior-Pose header. Give fx, fy, cx, cy in pixels of
        the frame as sent, or focal=estimate to have the focal length estimated (cx, cy
        then default to the image centre). Weak evidence is answered 200 with
        status "not_localized" and a reason, never a guessed pose.
      parameters:
        - {name: fx, in: query, schema: {type: number, minimum: 0, exclusiveMinimum: true}}
        - {name: fy, in: query, schema: {type: number, minimum: 0, exclusiveMinimum: true}}
        - {name: cx, in: query, schema: {type: number, minimum: 0}}
        - {name: cy, in: query, schema: {type: number, minimum: 0}}
        - {name: focal, in: query, schema: {type: string, enum: [estimate]}}
        - name: X-Prior-Pose
          in: header
          description: 'cameraFromLandmark prior, e.g. {"rotation":[1,0,0,0],"translation":[0,0,5]}'
          schema: {type: string}
      requestBody:
        required: true
        content:
          image/jpeg:
            schema: {type: string, format: binary}
          image/png:
            schema: {type: string, format: binary}
          multipart/form-data:
            schema:
              type: object
              properties:
                image: {type: string, format: binary}
                prior: {$ref: "#/components/schemas/Pose"}
      responses:
        "200":
          description: An answer (localized or not_localized).
          content:
            application/json:
              schema: {$ref: "#/components/schemas/LocalizeResult"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "413": {$ref: "#/components/responses/Error"}
        "415": {$ref: "#/components/responses/Error"}
        "422": {$ref: "#/components/responses/Error"}
        "503":
          description: Too many queries in flight, or the per-request deadline passed. Retry after the Retry-After header's seconds.
          headers:
            Retry-After: {schema: {type: integer}}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
  /v1/landmarks/{id}/anchors:
    parameters:
      - $ref: "#/components/parameters/LandmarkID"
    post:
      summary: Add an anchor (admin key), placed as `landmark anchor add` places it.
      description: |
        From a 3D point in the landmark frame, snapped onto the reconstructed surface below
        it: {"name": "plaza", "at": [x, y, z]}. From a pixel (x right, y down) of a
        registered image, cast onto the surface it sees: {"name": "roof", "image": "0003.png",
        "pixel": [u, v]}. Optional "yaw": degrees about the anchor's up (0 faces the
        landmark's +Z; default: face the capture cameras). The anchor is written to the
        landmark's file atomically and served at once (GET, localize answers). On any
        error the map is unchanged.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              additionalProperties: false
              properties:
                name: {type: string, minLength: 1, maxLength: 128}
                at: {type: array, items: {type: number}, minItems: 3, maxItems: 3}
                image: {type: string}
                pixel: {type: array, items: {type: number}, minItems: 2, maxItems: 2}
                yaw: {type: number}
      responses:
        "201":
          description: Placed, stored and served.
          content:
            application/json:
              schema:
                type: object
                properties:
                  landmark: {type: string}
                  anchor: {$ref: "#/components/schemas/Anchor"}
                  supportPoints: {type: integer, description: Map points supporting the fitted surface.}
                  rmsDistance: {type: number, description: RMS distance of those points to the surface (map units).}
        "400": {description: "Bad JSON, a missing or misspelt field, both or neither of at and image+pixel, a bad name.", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {description: The landmark already has an anchor with this name., content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "413": {$ref: "#/components/responses/Error"}
        "415": {$ref: "#/components/responses/Error"}
        "422": {description: "No such registered image, a pixel outside it, a ray that hits no reconstructed surface, no surface near the point.", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /v1/landmarks/{id}/anchors/{name}:
    parameters:
      - $ref: "#/components/parameters/LandmarkID"
      - {name: name, in: path, required: true, schema: {type: string}, description: The anchor's name (percent-encoded).}
    delete:
      summary: Remove an anchor (admin key) from the landmark's file (atomically) and stop serving it.
      responses:
        "200":
          description: Removed.
          content:
            application/json:
              schema:
                type: object
                properties:
                  landmark: {type: string}
                  deleted: {type: string}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {description: "Unknown landmark, or no anchor of that name (the message lists the anchors).", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /v1/landmarks/{id}/preview:
    parameters:
      - $ref: "#/components/parameters/LandmarkID"
    post:
      summary: Render the server's character standing on an anchor into a frame (query or admin key); answers a PNG.
      description: |
        The frame is sent and checked as for localize (same body, media types, intrinsics and
        limits), localized, and the character (the server's --character, default the
        project's procedural humanoid walking) is posed at `time` seconds of its animation
        (past the end: the last pose), placed on the anchor, lit simply and composited over
        the frame; the map's points hide it where the building is in front. The same code as
        `landmark preview`. Shares the localize queue (503 when full).
      parameters:
        - {name: anchor, in: query, required: true, schema: {type: string}}
        - {name: time, in: query, schema: {type: number, minimum: 0, default: 0}}
        - {name: fx, in: query, schema: {type: number, minimum: 0, exclusiveMinimum: true}}
        - {name: fy, in: query, schema: {type: number, minimum: 0, exclusiveMinimum: true}}
        - {name: cx, in: query, schema: {type: number, minimum: 0}}
        - {name: cy, in: query, schema: {type: number, minimum: 0}}
        - {name: focal, in: query, schema: {type: string, enum: [estimate]}}
      requestBody:
        required: true
        content:
          image/jpeg:
            schema: {type: string, format: binary}
          image/png:
            schema: {type: string, format: binary}
          multipart/form-data:
            schema:
              type: object
              properties:
                image: {type: string, format: binary}
                prior: {$ref: "#/components/schemas/Pose"}
      responses:
        "200":
          description: The frame with the character composited over it.
          headers:
            X-Camera-From-Landmark: {description: The frame's pose (JSON Pose), schema: {type: string}}
            X-Character-Pixels: {description: "Visible/silhouette pixels of the character, e.g. 812/1040", schema: {type: string}}
          content:
            image/png:
              schema: {type: string, format: binary}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {description: "Unknown landmark or anchor, or the server has no preview character.", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "413": {$ref: "#/components/responses/Error"}
        "415": {$ref: "#/components/responses/Error"}
        "422": {description: "The frame could not be localized (the reason is given), or the character cannot be rendered.", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "503":
          description: Too many queries in flight, or the deadline passed. Retry after the Retry-After header's seconds.
          headers:
            Retry-After: {schema: {type: integer}}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    apiKey: {type: apiKey, in: header, name: X-API-Key}
  parameters:
    LandmarkID:
      name: id
      in: path
      required: true
      schema: {type: string, pattern: "^[A-Za-z0-9_-]{1,64}$"}
  responses:
    Error:
      description: An error naming the problem.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
  schemas:
    Error:
      type: object
      properties:
        error:
          type: object
          properties:
            message: {type: string}
    Pose:
      type: object
      properties:
        rotation: {type: array, items: {type: number}, minItems: 4, maxItems: 4, description: "[w, x, y, z]"}
        translation: {type: array, items: {type: number}, minItems: 3, maxItems: 3}
    Anchor:
      type: object
      properties:
        name: {type: string}
        landmarkFromAnchor: {$ref: "#/components/schemas/Pose"}
        surfacePoint: {type: array, items: {type: number}, minItems: 3, maxItems: 3}
        surfaceNormal: {type: array, items: {type: number}, minItems: 3, maxItems: 3}
        createdAt: {type: number, description: Seconds since 1970.}
    Landmark:
      type: object
      properties:
        id: {type: string}
        name: {type: string}
        featureKind: {type: string, enum: [sift, orb]}
        frame: {type: string}
        scale: {type: string, enum: [metric, arbitrary]}
        alignment: {type: string, nullable: true}
        createdAt: {type: number}
        generator: {type: string}
        keyframes: {type: integer}
        points: {type: integer}
        observations: {type: integer}
        fileBytes: {type: integer}
        loadSeconds: {type: number}
        anchors:
          type: array
          items:
            type: object
            properties:
              name: {type: string}
              landmarkFromAnchor: {$ref: "#/components/schemas/Pose"}
    LocalizeResult:
      type: object
      properties:
        landmark: {type: string}
        image: {type: string, nullable: true}
        status: {type: string, enum: [localized, not_localized]}
        reason: {type: string, nullable: true}
        cameraFromLandmark: {allOf: [{$ref: "#/components/schemas/Pose"}], nullable: true}
        landmarkFromCamera: {allOf: [{$ref: "#/components/schemas/Pose"}], nullable: true}
        inliers: {type: integer}
        matches: {type: integer}
        rmsePx: {type: number, nullable: true}
        confidence: {type: number}
        focalEstimated: {type: boolean}
        features: {type: string, enum: [sift, orb], nullable: true, description: "orb when the map's ORB query layer answered"}
        fallbackReason: {type: string, nullable: true, description: "why the ORB layer's attempt was not the answer"}
        positionSigmaM: {type: number, nullable: true, description: "camera centre's standard deviation implied by the inliers, in map units"}
        relativePositionSigma: {type: number, nullable: true, description: "positionSigmaM as a fraction of the inliers' median depth"}
        prior:
          type: object
          nullable: true
          description: "what became of the tracking prior (null without one): used only when matches found without it confirm its pose"
          properties:
            used: {type: boolean}
            rejectedReason: {type: string, nullable: true}
            offsetMetres: {type: number, nullable: true, description: "distance of the answer's camera centre from the prior's"}
            offsetDegrees: {type: number, nullable: true, description: "rotation between the answer and the prior"}
        intrinsics:
          type: object
          nullable: true
          properties:
            fx: {type: number}
            fy: {type: number}
            cx: {type: number}
            cy: {type: number}
            width: {type: integer}
            height: {type: integer}
        timingsMs:
          type: object
          properties:
            decode: {type: number}
            features: {type: number}
            match: {type: number}
            pose: {type: number}
            total: {type: number}
        cameraFromAnchor:
          type: array
          items:
            type: object
            properties:
              name: {type: string}
              rotation: {type: array, items: {type: number}}
              translation: {type: array, items: {type: number}}
"""#
}
