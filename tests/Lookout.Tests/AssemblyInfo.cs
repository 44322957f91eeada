// Frame.LiveCount and Console.Error are process-wide: tests that check them must not overlap.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
