import Foundation
import MLCoreData
import MLCoreTensor
import Testing

/// Datasets written by h5py (scripts/datasets/make_test_fixtures.py); expected values saved by NumPy beside them.
@Suite struct HDF5Tests {
    static let file = Fixtures.url("hdf5/datasets.h5")

    @Test(arguments: [
        ("features", "features", DType.float32),
        ("/group/labels", "group_labels", .int64),
        ("group/sub/cube", "group_sub_cube", .float64),
        ("counts", "counts", .int32),
        ("chunked", "chunked", .float32),
    ])
    func readsLikeNumPy(dataset: String, expected: String, dtype: DType) throws {
        let t = try HDF5File.read(dataset: dataset, from: Self.file)
        let e = try Npy.read(contentsOf: Fixtures.url("hdf5/expected_\(expected).npy"))
        #expect(t.dtype == dtype && t.elementsEqual(e), "\(dataset): \(t) vs \(e)")
    }

    @Test func widensSmallIntegersAndReadsScalars() throws {
        let f = try HDF5File(path: Self.file.path)
        #expect(try f.read(dataset: "bytes").scalars(as: Int32.self) == [0, 7, 255])
        let s = try f.read(dataset: "scalar")
        #expect(try s.shape == [] && (s.scalars(as: Double.self)) == [2.5])
        #expect(f.datasetNames() == ["/bytes", "/chunked", "/counts", "/features", "/group/labels", "/group/sub/cube",
                                     "/names", "/scalar"])
    }

    @Test func errorsNameFileAndDataset() throws {
        let f = try HDF5File(path: Self.file.path)
        do {
            _ = try f.read(dataset: "/group/missing")
            Issue.record("expected an error")
        } catch let e as DataError {
            #expect(e.kind == .notFound && e.file == Self.file.path && e.position == "dataset '/group/missing'"
                    && e.reason.contains("no object '/group/missing'") && e.reason.contains("/features"), "\(e)")
        }
        do {
            _ = try f.read(dataset: "/nothing/here")
            Issue.record("expected an error")
        } catch let e as DataError {
            #expect(e.kind == .notFound && e.reason.contains("no object '/nothing'"), "\(e)")
        }
        #expect(throws: DataError(.invalidRequest, file: Self.file.path, position: "dataset '/group'",
                                  reason: "'/group' is a group, not a dataset")) { try f.read(dataset: "group") }
        #expect(throws: DataError(.unsupported, file: Self.file.path, position: "dataset '/names'",
                                  reason: "string datasets are not supported")) { try f.read(dataset: "names") }
        #expect(throws: DataError(.notFound, file: "/nonexistent.h5", reason: "no such file")) {
            try HDF5File(path: "/nonexistent.h5")
        }
        let notHDF5 = Fixtures.url("csv/mixed.csv").path
        #expect(throws: DataError(.malformed, file: notHDF5, reason: "not an HDF5 file")) { try HDF5File(path: notHDF5) }
    }
}
