import MLCoreTensor

/// Typed attribute access with errors that name the node and the attribute.
extension NodeSpec {
    func has(_ name: String) -> Bool { node.attributes[name] != nil }

    func int(_ name: String, default value: Int64? = nil) throws -> Int64 {
        switch node.attributes[name] {
        case .int(let v)?: return v
        case nil: if let value { return value }
        default: break
        }
        throw error(node.attributes[name] == nil ? "missing attribute '\(name)'" : "attribute '\(name)' must be an int")
    }

    func float(_ name: String, default value: Float? = nil) throws -> Float {
        switch node.attributes[name] {
        case .float(let v)?: return v
        case .int(let v)?: return Float(v)
        case nil: if let value { return value }
        default: break
        }
        throw error(node.attributes[name] == nil ? "missing attribute '\(name)'" : "attribute '\(name)' must be a float")
    }

    func string(_ name: String, default value: String? = nil) throws -> String {
        switch node.attributes[name] {
        case .string(let v)?: return v
        case nil: if let value { return value }
        default: break
        }
        throw error(node.attributes[name] == nil ? "missing attribute '\(name)'" : "attribute '\(name)' must be a string")
    }

    func ints(_ name: String, default value: [Int64]? = nil) throws -> [Int64] {
        switch node.attributes[name] {
        case .ints(let v)?: return v
        case .int(let v)?: return [v]
        case nil: if let value { return value }
        default: break
        }
        throw error(node.attributes[name] == nil ? "missing attribute '\(name)'" : "attribute '\(name)' must be a list of ints")
    }

    func floats(_ name: String, default value: [Float]? = nil) throws -> [Float] {
        switch node.attributes[name] {
        case .floats(let v)?: return v
        case .float(let v)?: return [v]
        case nil: if let value { return value }
        default: break
        }
        throw error(node.attributes[name] == nil ? "missing attribute '\(name)'" : "attribute '\(name)' must be a list of floats")
    }

    func strings(_ name: String, default value: [String]? = nil) throws -> [String] {
        switch node.attributes[name] {
        case .strings(let v)?: return v
        case .string(let v)?: return [v]
        case nil: if let value { return value }
        default: break
        }
        throw error(node.attributes[name] == nil ? "missing attribute '\(name)'" : "attribute '\(name)' must be a list of strings")
    }

    func tensor(_ name: String) throws -> Tensor? {
        switch node.attributes[name] {
        case .tensor(let t)?: return t
        case nil: return nil
        default: throw error("attribute '\(name)' must be a tensor")
        }
    }

    /// A list attribute given either as floats or as a tensor (`*_as_tensor`), widened to Double.
    func doubles(_ name: String, tensorName: String) throws -> [Double]? {
        if let t = try tensor(tensorName) {
            switch t.dtype {
            case .float64: return try t.scalars(as: Double.self)
            case .float32: return try t.scalars(as: Float.self).map(Double.init)
            default: throw error("attribute '\(tensorName)' must be a float or double tensor")
            }
        }
        if has(name) { return try floats(name).map(Double.init) }
        return nil
    }

    /// The constant value of input `index`, when the input is an initializer or folded constant.
    func constantInput(_ index: Int) -> Tensor? {
        index < constantInputs.count ? constantInputs[index] : nil
    }

    /// Input `index` as an int64 list, or nil when it is not a constant (or is omitted).
    func constantInts(_ index: Int) throws -> [Int64]? {
        guard let t = constantInput(index) else { return nil }
        guard t.dtype.isInteger, let values = t.widenedIntegers() else {
            throw error("input \(index) must be an integer tensor, got \(t.dtype)")
        }
        return values
    }
}
