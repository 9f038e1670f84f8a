// Runs every target's sampling loop side by side, as one service of the agent.
import ServiceLifecycle

/// The service that runs the fleet's members (the targets of the config, and those a reload
/// adds) and the publisher's render loop; a slow or failing target never delays the others.
package struct SamplerService: Service {
    /// The targets being sampled.
    package let fleet: TargetFleet
    /// Renders what they sample.
    package let publisher: ExpositionPublisher

    /// Creates a value from its parts.
    package init(fleet: TargetFleet, publisher: ExpositionPublisher) {
        self.fleet = fleet
        self.publisher = publisher
    }

    package func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask(priority: nil) { await publisher.run() }
            await withTaskGroup(of: Void.self) { targets in
                // Until graceful shutdown; then each member's loop ends on its own.
                for await member in fleet.starts.cancelOnGracefulShutdown() {
                    targets.addTask(priority: nil) { await member.run() }
                }
            }
            // Every target loop ended (graceful shutdown): stop rendering.
            group.cancelAll()
        }
    }
}
