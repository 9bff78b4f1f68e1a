import Foundation
import MLCoreData
import MLCoreTensor
import Testing

@Suite struct TransformsTests {
    /// scikit-learn's StandardScaler on data with NaN and a constant column: same mean, scale and output.
    @Test func standardScalerMatchesScikitLearn() throws {
        let x = try Npy.read(contentsOf: Fixtures.url("transforms/scaler_input.npy"))
        let mean = try Npy.read(contentsOf: Fixtures.url("transforms/scaler_mean.npy")).scalars(as: Double.self)
        let scale = try Npy.read(contentsOf: Fixtures.url("transforms/scaler_scale.npy")).scalars(as: Double.self)
        let expected = try Npy.read(contentsOf: Fixtures.url("transforms/scaler_output.npy")).scalars(as: Double.self)
        var scaler = StandardScaler()
        let z = try scaler.fitTransform(x).scalars(as: Double.self)
        for c in 0..<4 {
            #expect(Swift.abs(scaler.mean[c] - mean[c]) <= 1e-12 * Swift.max(1, Swift.abs(mean[c])), "mean of column \(c)")
            #expect(Swift.abs(scaler.scale[c] - scale[c]) <= 1e-12 * scale[c], "scale of column \(c)")
        }
        #expect(scaler.scale[3] == 1, "a constant column keeps scale 1")
        for i in z.indices {
            #expect(z[i].isNaN == expected[i].isNaN && (z[i].isNaN || Swift.abs(z[i] - expected[i]) <= 1e-9),
                    "element \(i): \(z[i]) vs \(expected[i])")
        }
        let back = try scaler.inverseTransform(try scaler.transform(x)).scalars(as: Double.self)
        let original = try x.scalars(as: Double.self)
        for i in back.indices where !original[i].isNaN {
            #expect(Swift.abs(back[i] - original[i]) <= 1e-9 * Swift.max(1, Swift.abs(original[i])), "inverse, element \(i)")
        }
        // Float32 in, float32 out.
        let x32 = try Tensor(shape: [2, 1], scalars: [1, 3] as [Float])
        #expect(try scaler.fitTransform(x32).scalars(as: Float.self) == [-1, 1])
        #expect(throws: DataError.self) { try StandardScaler().transform(x32) }
    }

    /// scikit-learn's OneHotEncoder(handle_unknown="ignore") on string and integer columns.
    @Test func oneHotMatchesScikitLearn() throws {
        let fit = try CSVTable(contentsOf: Fixtures.url("transforms/onehot_fit.csv"))
        let apply = try CSVTable(contentsOf: Fixtures.url("transforms/onehot_apply.csv"))
        func strings(_ t: CSVTable) throws -> Tensor {
            let c = try t.categorical("carrier"), o = try t.categorical("origin")
            let values = (0..<t.rowCount).flatMap { [c.levels[Int(c.codes[$0])], o.levels[Int(o.codes[$0])]] }
            return try Tensor(shape: [t.rowCount, 2], strings: values)
        }
        func codes(_ t: CSVTable) throws -> Tensor { try Tensor(shape: [t.rowCount, 1], scalars: try t.numeric("code")) }
        var text = OneHotEncoder(handleUnknown: .ignore), numbers = OneHotEncoder(handleUnknown: .ignore)
        try text.fit(try strings(fit))
        try numbers.fit(try codes(fit))
        let a = try text.transform(try strings(apply)).scalars(as: Float.self)
        let b = try numbers.transform(try codes(apply)).scalars(as: Float.self)
        let expected = try Npy.read(contentsOf: Fixtures.url("transforms/onehot.npy"))
        let width = text.outputWidth + numbers.outputWidth
        #expect(expected.shape == [3, width])
        let e = try expected.scalars(as: Float.self)
        for r in 0..<3 {
            let ours = Array(a[(r * text.outputWidth)..<((r + 1) * text.outputWidth)])
                + Array(b[(r * numbers.outputWidth)..<((r + 1) * numbers.outputWidth)])
            #expect(ours == Array(e[(r * width)..<((r + 1) * width)]), "row \(r)")
        }
        let names = try String(contentsOf: Fixtures.url("transforms/onehot_features.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(text.featureNames(["carrier", "origin"]) + numbers.featureNames(["code"]) == names)

        let strict = OneHotEncoder(categories: text.categories)
        do {
            _ = try strict.transform(try strings(apply))
            Issue.record("expected an error")
        } catch let e as DataError {
            #expect(e.position == "row 1, column 0" && e.reason.contains("'ZZ'"), "\(e)")
        }
        var e2 = OneHotEncoder()
        #expect(throws: DataError.self) { try e2.fit(try Tensor(shape: [2], scalars: [1, Float.nan])) }
    }
}
