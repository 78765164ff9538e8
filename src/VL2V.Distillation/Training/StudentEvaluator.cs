using VL2V.Distillation.Data;

namespace VL2V.Distillation.Training;

/// <summary>Accuracy and cross-entropy of the student's predictions on parts of a split (no augmentation).</summary>
internal sealed class StudentEvaluator(IDomainDataset dataset, DomainSplit split, TrainerOptions options)
{
    private readonly EvaluationTransform _transform = new(options.ImageSize);

    /// <summary>Evaluates every part the selection methods need and returns the record for <paramref name="step"/>.</summary>
    public EvaluationRecord Evaluate<TStudent>(TStudent student, int step, Classifier classifier, CancellationToken cancellationToken)
        where TStudent : nn.Module<Tensor, StudentOutput>, IStudent
    {
        var perDomain = new Dictionary<string, double>();
        var validation = new List<(double Accuracy, double Loss)>();
        var targetIn = new List<double>();
        var targetOut = new List<double>();
        bool wasTraining = student.training;
        student.eval();
        try
        {
            foreach (var domain in split.Domains)
            {
                if (domain.Role == DomainRole.Train && domain.Out.Count > 0)
                {
                    var (accuracy, loss) = Measure(student, domain, SplitPart.Out, classifier, cancellationToken);
                    perDomain[$"{domain.Name}/out"] = accuracy;
                    validation.Add((accuracy, loss));
                }
                else if (domain.Role == DomainRole.Test)
                {
                    var (accuracyIn, _) = Measure(student, domain, SplitPart.In, classifier, cancellationToken);
                    perDomain[$"{domain.Name}/in"] = accuracyIn;
                    targetIn.Add(accuracyIn);
                    if (domain.Out.Count > 0)
                    {
                        var (accuracyOut, _) = Measure(student, domain, SplitPart.Out, classifier, cancellationToken);
                        perDomain[$"{domain.Name}/out"] = accuracyOut;
                        targetOut.Add(accuracyOut);
                    }
                }
            }
        }
        finally
        {
            student.train(wasTraining);
        }
        return new EvaluationRecord(step,
            validation.Count > 0 ? validation.Average(v => v.Accuracy) : double.NaN,
            validation.Count > 0 ? validation.Average(v => v.Loss) : double.NaN,
            targetIn.Count > 0 ? targetIn.Average() : double.NaN,
            targetOut.Count > 0 ? targetOut.Average() : double.NaN,
            perDomain);
    }

    private (double Accuracy, double Loss) Measure<TStudent>(TStudent student, DomainPartition domain, SplitPart part,
        Classifier classifier, CancellationToken cancellationToken)
        where TStudent : nn.Module<Tensor, StudentOutput>, IStudent
    {
        long correct = 0, count = 0;
        double lossSum = 0;
        var batches = EvaluationBatches.Create(domain, part, options.EvaluationBatchSize);
        using var loader = new BatchLoader(dataset, _transform, batches, LoaderOptions(options), cancellationToken);
        using var noGrad = torch.no_grad();
        while (true)
        {
            using var scope = torch.NewDisposeScope();
            var batch = loader.Next();
            if (batch is null) break;
            var logits = classifier.Logits(student.call(batch.Images));
            correct += logits.argmax(-1).eq(batch.Labels).sum().item<long>();
            lossSum += nn.functional.cross_entropy(logits, batch.Labels, reduction: nn.Reduction.Sum).item<float>();
            count += batch.Count;
        }
        return count == 0 ? (double.NaN, double.NaN) : ((double)correct / count, lossSum / count);
    }

    internal static BatchLoaderOptions LoaderOptions(TrainerOptions options) =>
        options.LoaderWorkers is int workers ? new BatchLoaderOptions { Workers = workers, Seed = options.Seed } : new BatchLoaderOptions { Seed = options.Seed };

    /// <summary>How predictions are made: the teacher's zero-shot classifier on the embedding, or the student's classifier.</summary>
    internal sealed class Classifier(Tensor? classText, double logitScale)
    {
        public bool ZeroShot => classText is not null;

        public Tensor Logits(StudentOutput output) => classText is not null
            ? ZeroShotClassifier.Logits(output.Embedding, classText, logitScale)
            : output.Logits ?? throw new InvalidOperationException("The student has no classifier to predict with.");
    }
}
