import Foundation

/// Validates a parsed manifest and expands it into jobs: defaults, strict keys and types,
/// globs, output templates, absolute paths and stable ids.
struct ManifestExpander {
    let fileName: String
    let baseDirectory: URL
    let registry: JobKindRegistry
    let lines: [String: Int]

    mutating func expand(_ root: ManifestValue) throws(BatchError) -> [JobSpec] {
        guard case .object(let top) = root else {
            throw .manifest(file: fileName, line: 1, message: "the manifest must be a mapping with a 'jobs' list")
        }
        for key in top.keys.sorted() where !Manifest.topLevelKeys.contains(key) {
            throw .manifest(file: fileName, line: lines[key],
                            message: "unknown top-level key '\(key)'\(suggestion(for: key, among: Manifest.topLevelKeys)); expected \(Manifest.topLevelKeys.joined(separator: ", "))")
        }
        if let version = top["version"], version.intValue != 1 {
            throw .manifest(file: fileName, line: lines["version"], message: "unsupported version \(version.canonicalJSON); this build reads version 1")
        }
        let defaults = try parseDefaults(top["defaults"])
        guard case .array(let entries)? = top["jobs"] else {
            throw .manifest(file: fileName, line: lines["jobs"], message: "'jobs' must be a list of jobs")
        }

        var jobs: [JobSpec] = []
        var seen: Set<String> = []
        var outputOwners: [String: String] = [:]
        for (index, entry) in entries.enumerated() {
            for var job in expandEntry(entry, index: index, defaults: defaults) {
                guard seen.insert(job.id).inserted else { continue }
                job.order = jobs.count
                if job.invalidReason == nil {
                    for (field, path) in job.outputs.sorted(by: { $0.key < $1.key }) {
                        if let owner = outputOwners[path] {
                            job.invalidReason = BatchError.invalidJob(job: job.name, field: field,
                                message: "output '\(relative(path))' is also written by job \(owner); use a template such as out/{stem}.glb").description
                        } else {
                            outputOwners[path] = job.name
                        }
                    }
                }
                jobs.append(job)
            }
        }
        return jobs
    }

    private func parseDefaults(_ value: ManifestValue?) throws(BatchError) -> [String: [String: ManifestValue]] {
        guard let value else { return [:] }
        guard case .object(let perKind) = value else {
            throw .manifest(file: fileName, line: lines["defaults"], message: "'defaults' must map job kinds to fields, e.g. defaults: {optimize: {atlas: true}}")
        }
        var result: [String: [String: ManifestValue]] = [:]
        for (kindName, fields) in perKind {
            let path = "defaults.\(kindName)"
            guard let kind = registry.kinds[kindName] else {
                throw .manifest(file: fileName, line: lines[path], message: BatchError.unknownKind(kindName, known: registry.kinds.keys.sorted()).description + " in 'defaults'")
            }
            guard case .object(let object) = fields else {
                throw .manifest(file: fileName, line: lines[path], message: "'\(path)' must be a mapping of fields")
            }
            do {
                try check(object, against: kind.parameters, path: path, commonKeys: false)
            } catch let error {
                throw .manifest(file: fileName, line: error.line, message: "defaults for '\(kindName)', field '\(error.field)': \(error.message)")
            }
            result[kindName] = object
        }
        return result
    }

    /// One manifest entry → its jobs (one per glob match), or one invalid job.
    private func expandEntry(_ entry: ManifestValue, index: Int, defaults: [String: [String: ManifestValue]]) -> [JobSpec] {
        let path = "jobs[\(index)]"
        var label = path
        func invalid(_ field: String?, _ message: String, line: Int? = nil) -> [JobSpec] {
            let where_ = (line ?? lines[path]).map { "\(fileName):\($0): " } ?? "\(fileName): "
            let reason = where_ + BatchError.invalidJob(job: label, field: field, message: message).description
            let id = JobSpec.stableID(kind: "invalid", normalizedParameters: ["entry": entry, "index": .number(Double(index))])
            return [JobSpec(id: id, kind: (entry.objectValue?["kind"]?.stringValue) ?? "invalid", name: label, order: index,
                            parameters: entry.objectValue ?? [:], inputs: [:], outputs: [:], invalidReason: reason)]
        }
        guard case .object(let raw) = entry else { return invalid(nil, "a job must be a mapping with a 'kind', got \(entry.typeDescription)") }
        if let name = raw["name"] {
            guard let text = name.stringValue else { return invalid("name", "must be a string") }
            label = "\(path) '\(text)'"
        }
        guard let kindValue = raw["kind"] else {
            return invalid("kind", "missing; one of \(registry.kinds.keys.sorted().joined(separator: ", "))")
        }
        guard let kindName = kindValue.stringValue, let kind = registry.kinds[kindName] else {
            return invalid("kind", BatchError.unknownKind(kindValue.stringValue ?? kindValue.canonicalJSON, known: registry.kinds.keys.sorted()).description,
                           line: lines["\(path).kind"])
        }
        label += " (\(kindName))"
        var fields = raw
        fields["kind"] = nil
        fields["name"] = nil
        do {
            try check(fields, against: kind.parameters, path: path)
        } catch let error {
            return invalid(error.field, error.message, line: error.line)
        }
        // A job's field replaces the default's field as a whole (targets are alternatives:
        // `triangles` in a job must not be combined with a default `ratio`).
        let parameters = (defaults[kindName] ?? [:]).merging(fields) { _, job in job }
        for spec in kind.parameters where spec.required && parameters[spec.key] == nil {
            return invalid(spec.key, "missing (\(spec.help))")
        }
        do {
            try kind.validate(parameters)
        } catch let error {
            if case let .invalidJob(_, field, message) = error { return invalid(field, message, line: field.flatMap { lines["\(path).\($0)"] }) }
            return invalid(nil, error.description)
        }

        // Expand the primary input's glob: one job per matched file.
        let inputKeys = kind.inputKeys
        var matches: [(input: String?, base: String)] = [(nil, baseDirectory.path)]
        if let primary = inputKeys.first, let pattern = parameters[primary]?.stringValue {
            let absolute = absolutePath(pattern)
            if Glob.isPattern(pattern) {
                let files = Glob.match(absolute)
                if files.isEmpty { return invalid(primary, "the pattern '\(pattern)' matched no files", line: lines["\(path).\(primary)"]) }
                let base = Glob.staticBase(of: absolute)
                matches = files.map { ($0, base) }
            } else {
                matches = [(absolute, URL(fileURLWithPath: absolute).deletingLastPathComponent().path)]
            }
        }

        var jobs: [JobSpec] = []
        for match in matches {
            var absoluteParameters = parameters
            var normalized = parameters
            var inputs: [String: String] = [:]
            var outputs: [String: String] = [:]
            let variables = match.input.map { TemplateVariables(input: $0, base: match.base) }
            let jobLabel = matches.count > 1 || Glob.isPattern(parameters[inputKeys.first ?? ""]?.stringValue ?? "")
                ? "\(label) \(relative(match.input ?? ""))" : label
            for spec in kind.parameters {
                guard let value = parameters[spec.key]?.stringValue else { continue }
                var path: String
                switch spec.type {
                case .inputPath:
                    path = spec.key == inputKeys.first ? (match.input ?? absolutePath(value)) : absolutePath(value)
                    inputs[spec.key] = path
                case .outputPath:
                    var filled = value
                    if let variables {
                        do { filled = try variables.apply(to: value) } catch {
                            switch error {
                            case .unknown(let name):
                                return invalid(spec.key, "unknown template '{\(name)}' in '\(value)'; known: \(TemplateVariables.names.map { "{\($0)}" }.joined(separator: ", "))")
                            case .unclosed:
                                return invalid(spec.key, "unclosed '{' in '\(value)'")
                            }
                        }
                    } else if value.contains("{") {
                        return invalid(spec.key, "templates like {stem} need an input file field")
                    }
                    path = absolutePath(filled)
                    outputs[spec.key] = path
                default: continue
                }
                absoluteParameters[spec.key] = .string(path)
                normalized[spec.key] = .string(relative(path))
            }
            for (key, path) in kind.derivedOutputs(parameters: absoluteParameters, outputs: outputs) where outputs[key] == nil {
                outputs[key] = path
            }
            if let inputs = Set(inputs.values).intersection(outputs.values).first {
                return invalid(nil, "output '\(relative(inputs))' would overwrite an input")
            }
            let id = JobSpec.stableID(kind: kindName, normalizedParameters: normalized)
            jobs.append(JobSpec(id: id, kind: kindName, name: jobLabel, order: index, parameters: absoluteParameters,
                                inputs: inputs, outputs: outputs, invalidReason: nil))
        }
        return jobs
    }

    struct FieldError: Error {
        var field: String
        var message: String
        var line: Int?
    }

    /// Strict check of `fields` against `specs`: unknown keys (with the closest valid key) and types.
    private func check(_ fields: [String: ManifestValue], against specs: [ParameterSpec], path: String, prefix: String = "",
                       commonKeys: Bool = true) throws(FieldError) {
        let known = specs.map(\.key)
        for key in fields.keys.sorted() {
            let field = prefix + key
            let fieldPath = "\(path).\(key)"
            guard let spec = specs.first(where: { $0.key == key }) else {
                let allowed = prefix.isEmpty && commonKeys ? known + Manifest.commonJobKeys : known
                throw FieldError(field: field, message: "unknown key\(suggestion(for: key, among: allowed)); valid keys: \(allowed.joined(separator: ", "))",
                                 line: lines[fieldPath])
            }
            try checkType(fields[key]!, spec.type, field: field, path: fieldPath)
        }
    }

    private func checkType(_ value: ManifestValue, _ type: ParameterType, field: String, path: String) throws(FieldError) {
        func mismatch() -> FieldError {
            FieldError(field: field, message: "must be \(type.description), got \(value.typeDescription) \(value.canonicalJSON)", line: lines[path])
        }
        switch type {
        case .inputPath, .outputPath, .string:
            guard case .string(let text) = value, !text.isEmpty else { throw mismatch() }
        case .number:
            guard case .number = value else { throw mismatch() }
        case .integer:
            guard value.intValue != nil else { throw mismatch() }
        case .boolean:
            guard case .bool = value else { throw mismatch() }
        case .object(let specs):
            guard case .object(let object) = value else { throw mismatch() }
            try check(object, against: specs, path: path, prefix: field + ".")
        case .list(let element):
            guard case .array(let items) = value else { throw mismatch() }
            for (index, item) in items.enumerated() {
                try checkType(item, element, field: "\(field)[\(index)]", path: "\(path)[\(index)]")
            }
        case .oneOf(let types):
            var lastError: FieldError?
            for candidate in types {
                do { try checkType(value, candidate, field: field, path: path); return } catch { lastError = error }
            }
            // A mapping of the right shape but with a typo: report the typo, not the type.
            if case .object = value, let lastError, lastError.field != field { throw lastError }
            throw mismatch()
        }
    }

    private func absolutePath(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL.path }
        return baseDirectory.appendingPathComponent(expanded).standardizedFileURL.path
    }

    /// `path` relative to the manifest's folder when inside it, else absolute.
    func relative(_ path: String) -> String {
        let base = baseDirectory.path.hasSuffix("/") ? baseDirectory.path : baseDirectory.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}
