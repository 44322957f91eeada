namespace Lookout.Training.Training;

/// <summary>One line of the training log.</summary>
internal sealed record EpochRecord(int Epoch, int Steps, double LearningRate, double Loss, double ClsLoss, double BoxLoss, double ValMap50, double ValMap50To95, double ImagesPerSecond, double Seconds);
