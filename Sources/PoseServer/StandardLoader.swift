import Foundation
import LandmarkMap
import Localization

extension LandmarkLoader {
    /// Reads `.landmark` files with `LandmarkStore` (read-only, validated) and indexes them
    /// with `Localizer`; anchors come from the map.
    public static func standard(options: LocalizationOptions = LocalizationOptions()) -> LandmarkLoader {
        LandmarkLoader(
            readMap: { url in try LandmarkStore.read(from: url) },
            makeLocalizer: { map in try Localizer(map: map, options: options) },
            readAnchors: { _, map in
                map.anchors.map { ServedAnchor(name: $0.name, landmarkFromAnchor: $0.landmarkFromAnchor) }
            })
    }
}
