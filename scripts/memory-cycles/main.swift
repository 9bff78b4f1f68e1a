// Load / run / release an ONNX model many times and watch resident memory: a session must give back everything
// it took. Built and run by scripts/memory-cycles.sh (which documents how); not part of the package.
//
//   memory-cycles <model.onnx> <input.csv> <cycles> <max growth KiB after the checkpoint>
//
// Prints VmRSS at the start (after one warm-up cycle), after 1,000 cycles (the checkpoint; the last cycle when
// there are fewer) and at the end; exits 1 when the RSS grew by more than the bound between the checkpoint and
// the end. The first 1,000 cycles are the allocator's
// warm-up (malloc arenas, the Swift runtime's metadata caches); growth after them is what a leak looks like.
import Foundation
import MLCoreONNX
import MLCoreTensor

func residentKiB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
    }
    return -1
}

let args = CommandLine.arguments
guard args.count == 5, let cycles = Int(args[3]), let bound = Int(args[4]) else {
    FileHandle.standardError.write(Data("usage: memory-cycles <model.onnx> <input.csv> <cycles> <max growth KiB>\n".utf8))
    exit(2)
}
let model = URL(fileURLWithPath: args[1])
let rows = try String(contentsOfFile: args[2], encoding: .utf8).split(separator: "\n").dropFirst()
    .map { $0.split(separator: ",").map { Float(String($0)) ?? .nan } }
let input = try Tensor(shape: [rows.count, rows[0].count], scalars: rows.joined())

/// One cycle: everything the session allocates is released when it goes out of scope here.
func cycle() throws -> Int {
    let session = try InferenceSession(contentsOf: model, options: .init(threads: 1))
    let outputs = try session.run([session.inputs[0].name: input])
    return outputs.count
}

func report(_ label: String, _ kib: Int) -> String {
    "  " + label.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: "%8d KiB", kib)
}

var produced = try cycle()
let start = residentKiB()
var afterWarmUp = start
print("\(model.deletingLastPathComponent().lastPathComponent): \(cycles) load/run/release cycles, \(rows.count) rows per run")
print(report("start", start))
let began = Date()
for i in 1...cycles {
    produced &+= try cycle()
    if i == min(1_000, cycles) {
        afterWarmUp = residentKiB()
        print(report("after \(i)", afterWarmUp))
    }
}
let end = residentKiB()
let seconds = Date().timeIntervalSince(began)
print(report("end", end) + String(format: "   (growth since the checkpoint: %+d KiB, bound %d KiB; %.3f ms per cycle)",
                                   end - afterWarmUp, bound, seconds * 1000 / Double(cycles)))
precondition(produced > 0)
if end - afterWarmUp > bound {
    print("FAIL: resident memory grew by \(end - afterWarmUp) KiB after the warm-up")
    exit(1)
}
