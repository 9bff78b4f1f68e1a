// libFuzzer target: bytes -> NpyHeader.parse, and for a header that agrees with the data size, the whole file
// through Npy.read (from a scratch file: the reader maps files). Built and run by scripts/fuzz.sh.
import Foundation
import MLCoreData

let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mlcore-fuzz-npy-\(getpid()).npy")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNpy(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = UnsafeRawBufferPointer(start: data, count: size)
    guard let header = try? NpyHeader.parse(buffer, file: "fuzz.npy"),
          let promised = try? header.dataByteCount() else { return 0 }
    guard header.dataOffset <= size, size - header.dataOffset == promised, promised <= 1 << 20 else { return 0 }
    guard (try? Data(buffer).write(to: scratch)) != nil else { return 0 }
    if let t = try? Npy.read(contentsOf: scratch) {
        precondition(t.shape.dims == header.shape, "tensor shape \(t.shape) differs from the header's \(header.shape)")
    }
    return 0
}
