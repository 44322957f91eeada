using Xunit;

// Network construction and torch.rand draw from libtorch's one global generator, and a training run seeds it
// (--seed) before building its network: test classes run in parallel would draw from it between the seeding
// and the draws a run expects to be its own, so a same-seed run would not repeat itself.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
