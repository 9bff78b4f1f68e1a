import Foundation

/// Runs `body(thread)` on `threadCount` OS threads (4 MiB stacks) that start together; returns when all have
/// finished. For stress tests that must overlap many callers on one shared object.
public func runOnThreads(_ threadCount: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let ready = DispatchGroup(), done = DispatchGroup()
    let start = DispatchSemaphore(value: 0)
    for t in 0..<threadCount {
        ready.enter()
        done.enter()
        let thread = Thread {
            ready.leave()
            start.wait()
            body(t)
            done.leave()
        }
        thread.stackSize = 4 << 20
        thread.start()
    }
    ready.wait()
    for _ in 0..<threadCount { start.signal() }
    done.wait()
}
