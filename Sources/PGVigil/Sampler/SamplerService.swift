// Runs every target's sampling loop side by side, as one service of the agent.
import ServiceLifecycle

/// The service that owns all target loops; a slow or failing target never delays the others.
struct SamplerService: Service {
    /// One sampler per target.
    let samplers: [TargetSampler]

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for sampler in samplers {
                group.addTask(priority: nil) { await sampler.run() }
            }
        }
    }
}
