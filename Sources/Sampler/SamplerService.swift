// Runs every target's sampling loop side by side, as one service of the agent.
import ServiceLifecycle

/// The service that owns all target loops and the publisher's render loop; a slow or failing
/// target never delays the others.
package struct SamplerService: Service {
    /// One sampler per target.
    package let samplers: [TargetSampler]
    /// Renders what they sample.
    package let publisher: ExpositionPublisher

    /// Creates a value from its parts.
    package init(samplers: [TargetSampler], publisher: ExpositionPublisher) {
        self.samplers = samplers
        self.publisher = publisher
    }

    package func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask(priority: nil) { await publisher.run() }
            await withTaskGroup(of: Void.self) { targets in
                for sampler in samplers {
                    targets.addTask(priority: nil) { await sampler.run() }
                }
            }
            // Every target loop ended (graceful shutdown): stop rendering.
            group.cancelAll()
        }
    }
}
