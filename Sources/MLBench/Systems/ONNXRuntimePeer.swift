import Foundation
import MLCore

/// onnxruntime as a ``SystemUnderTest``: a Python child (`scripts/peers/ort_loadgen_peer.py`, in the pinned
/// environment) holds the session and the samples and answers each query over a pipe, so that MLCore's LoadGen
/// times both systems with the same clock and scenario code. The pipe's round trip (``roundTripSeconds()``,
/// tens of microseconds) is part of every onnxruntime latency and is reported beside the figures.
package final class ONNXRuntimePeer: SystemUnderTest {
    package static let systemName = "onnxruntime"
    public let name = ONNXRuntimePeer.systemName
    public let sampleCount: Int
    /// onnxruntime's version, as the child printed it.
    package private(set) var version = ""
    private let process = Process()
    private let toChild = Pipe()
    private let fromChild = Pipe()
    private var buffer = Data()

    /// Starts the child on `model` with `threads` intra-op threads and the samples in `feeds` (input name to
    /// `.npy` file), and waits until it has loaded them.
    /// - Throws: ``BenchError`` when the child cannot start or fails to load the model.
    package init(python: URL, script: URL, model: URL, feeds: [String: URL], sampleCount: Int, threads: Int) throws {
        self.sampleCount = sampleCount
        process.executableURL = python
        process.arguments = [script.path, model.path, "--threads", String(threads)]
            + feeds.sorted { $0.key < $1.key }.flatMap { ["--feed", "\($0.key)=\($0.value.path)"] }
        process.standardInput = toChild
        process.standardOutput = fromChild
        process.standardError = FileHandle.standardError
        try process.run()
        let first = try readLine()
        guard first.hasPrefix("ready") else {
            throw BenchError("onnxruntime peer on \(model.lastPathComponent) did not start: \(first)")
        }
        version = first.split(separator: " ").last.map(String.init) ?? ""
    }

    deinit {
        if process.isRunning {
            try? toChild.fileHandleForWriting.write(contentsOf: Data("quit\n".utf8))
            try? toChild.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    public func loadSamples(_ indices: [Int]) {}

    public func issue(_ query: [Int]) throws {
        try send("q " + query.map(String.init).joined(separator: " "))
    }

    /// The median round trip of `count` empty requests, seconds.
    package func roundTripSeconds(count: Int = 200) throws -> Double {
        var times: [Double] = []
        for _ in 0..<count {
            let t0 = monotonicSeconds()
            try send("ping")
            times.append(monotonicSeconds() - t0)
        }
        return times.sorted()[count / 2]
    }

    private func send(_ command: String) throws {
        try toChild.fileHandleForWriting.write(contentsOf: Data((command + "\n").utf8))
        let answer = try readLine()
        guard answer == "ok" else { throw BenchError("onnxruntime peer: \(answer)") }
    }

    private func readLine() throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = fromChild.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw BenchError("onnxruntime peer exited (status \(process.isRunning ? -1 : process.terminationStatus))") }
            buffer.append(chunk)
        }
    }
}
