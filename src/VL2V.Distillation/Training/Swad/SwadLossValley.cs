namespace VL2V.Distillation.Training.Swad;

/// <summary>
/// SWAD's <c>LossValley</c>: decides which segment averages enter the final dense weight average by watching the
/// training-domain validation loss for a valley (Cha et al., "SWAD: Domain Generalization by Seeking Flat Minima",
/// NeurIPS 2021; defaults n_converge 3, n_tolerance 6, tolerance ratio 0.3).
/// </summary>
/// <remarks>
/// <para>Each evaluation hands in the average of the weights since the previous evaluation (a segment) and the
/// validation loss at its end. Convergence is declared when the oldest of the last <c>n_converge</c> segments has
/// the lowest loss; the threshold is their mean loss times <c>1 + tolerance ratio</c>. From then on a segment joins
/// the final average once the minimum loss over the following <c>n_tolerance</c> segments stays under the
/// threshold; the valley is dead (averaging stops) when it does not.</para>
/// <para>This is a faithful port of the reference implementation, including two of its quirks: the final average
/// starts from the until-minimum segment with a count of zero, so that segment's weights are replaced by the first
/// segment added (and kept only if none is); and the look-back when <c>n_tolerance &gt; n_converge</c> indexes the
/// tolerance window as if it were full. Segments are cloned; the caller keeps ownership of what it passes in.</para>
/// </remarks>
internal sealed class SwadLossValley : IDisposable
{
    private readonly LinkedList<Segment> _converge = new();
    private readonly LinkedList<Segment> _smooth = new();
    private readonly HashSet<Segment> _owned = [];

    public SwadLossValley(int nConverge = 3, int nTolerance = 6, double toleranceRatio = 0.3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nConverge, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(nTolerance, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(toleranceRatio);
        NConverge = nConverge;
        NTolerance = nTolerance;
        ToleranceRatio = toleranceRatio;
    }

    public int NConverge { get; }
    public int NTolerance { get; }
    public double ToleranceRatio { get; }

    /// <summary>The end step of the segment at which the loss valley began, or null before convergence.</summary>
    public int? ConvergeStep { get; private set; }

    /// <summary>The loss above which the valley is considered left, or null before convergence.</summary>
    public double? Threshold { get; private set; }

    /// <summary>True once the loss left the valley; later segments are ignored.</summary>
    public bool DeadValley { get; private set; }

    /// <summary>The final average so far, or null before convergence.</summary>
    public WeightAverage? FinalAverage { get; private set; }

    public bool IsConverged => ConvergeStep is not null;

    /// <summary>Hands in the segment average that ends at this evaluation and its validation loss.</summary>
    public void Update(WeightAverage segment, double validationLoss)
    {
        if (DeadValley) return;
        var frozen = new Segment(segment.Clone(), validationLoss);
        _owned.Add(frozen);
        Push(_converge, frozen, NConverge);
        Push(_smooth, frozen, NTolerance);

        if (!IsConverged)
        {
            if (_converge.Count < NConverge) return;
            var losses = _converge.Select(s => s.Loss).ToList();
            int minIndex = losses.IndexOf(losses.Min());
            if (minIndex != 0) return;

            var untilMin = _converge.First!.Value;
            ConvergeStep = untilMin.Average.EndStep;
            FinalAverage = untilMin.Average.Clone();
            FinalAverage.ResetCount(); // SWA's AveragedModel(untilmin) starts with n_averaged = 0
            Threshold = losses.Average() * (1.0 + ToleranceRatio);

            if (NTolerance < NConverge)
            {
                foreach (var s in _converge.Skip(1).Take(NConverge - NTolerance)) FinalAverage.Update(s.Average);
            }
            else if (NTolerance > NConverge)
            {
                var window = _smooth.Take(NTolerance - NConverge + 1).ToList();
                int start = 0;
                for (int i = window.Count - 1; i >= 0; i--)
                {
                    if (window[i].Loss > Threshold)
                    {
                        start = i + 1;
                        break;
                    }
                }
                foreach (var s in window.Skip(start + 1)) FinalAverage.Update(s.Average);
            }
            return;
        }

        if (_smooth.First!.Value.Average.EndStep < ConvergeStep) return;
        if (_smooth.Min(s => s.Loss) > Threshold)
        {
            DeadValley = true;
            return;
        }
        FinalAverage!.Update(_smooth.First.Value.Average);
    }

    /// <summary>
    /// The final SWAD average: after the last evaluation, every remaining segment whose look-ahead minimum loss stays
    /// under the threshold joins it. Before convergence there is none, and the last segment is returned instead.
    /// The caller owns the result.
    /// </summary>
    public WeightAverage Finish()
    {
        if (!IsConverged)
        {
            if (_converge.Count == 0) throw new InvalidOperationException("SWAD received no segment; evaluate at least once before finishing.");
            return _converge.Last!.Value.Average.Clone();
        }
        if (!DeadValley)
        {
            _smooth.RemoveFirst();
            while (_smooth.Count > 0)
            {
                if (_smooth.Min(s => s.Loss) > Threshold) break;
                var segment = _smooth.First!.Value;
                _smooth.RemoveFirst();
                FinalAverage!.Update(segment.Average);
            }
        }
        return FinalAverage!.Clone();
    }

    /// <summary>The detector's state for a checkpoint: scalars and segment metadata, plus the tensors under their prefixes.</summary>
    public (ValleyState State, Dictionary<string, Tensor> Tensors) Export()
    {
        var segments = _owned.ToList();
        var tensors = new Dictionary<string, Tensor>();
        var saved = new List<SavedSegment>();
        for (int i = 0; i < segments.Count; i++)
        {
            var a = segments[i].Average;
            foreach (var (k, v) in a.Export($"valley.{i}.")) tensors[k] = v;
            saved.Add(new SavedSegment(i, segments[i].Loss, a.Count, a.StartStep, a.EndStep));
        }
        SavedSegment? final = null;
        if (FinalAverage is not null)
        {
            foreach (var (k, v) in FinalAverage.Export("valley.final.")) tensors[k] = v;
            final = new SavedSegment(-1, double.NaN, FinalAverage.Count, FinalAverage.StartStep, FinalAverage.EndStep);
        }
        var state = new ValleyState(ConvergeStep, Threshold, DeadValley, saved,
            _converge.Select(s => segments.IndexOf(s)).ToList(), _smooth.Select(s => segments.IndexOf(s)).ToList(), final);
        return (state, tensors);
    }

    /// <summary>Restores a state saved with <see cref="Export"/> into a fresh detector.</summary>
    public void Import(ValleyState state, IReadOnlyDictionary<string, Tensor> tensors)
    {
        if (_owned.Count > 0 || FinalAverage is not null) throw new InvalidOperationException("Import into a fresh SwadLossValley only.");
        var segments = state.Segments.ToDictionary(s => s.Id,
            s => new Segment(WeightAverage.Import(tensors, $"valley.{s.Id}.", s.Count, s.StartStep, s.EndStep), s.Loss));
        foreach (var segment in segments.Values) _owned.Add(segment);
        foreach (var id in state.Converge) _converge.AddLast(segments[id]);
        foreach (var id in state.Smooth) _smooth.AddLast(segments[id]);
        ConvergeStep = state.ConvergeStep;
        Threshold = state.Threshold;
        DeadValley = state.DeadValley;
        if (state.Final is { } f) FinalAverage = WeightAverage.Import(tensors, "valley.final.", f.Count, f.StartStep, f.EndStep);
    }

    /// <summary>Checkpoint form of the detector (tensors travel separately).</summary>
    public sealed record ValleyState(int? ConvergeStep, double? Threshold, bool DeadValley, IReadOnlyList<SavedSegment> Segments,
        IReadOnlyList<int> Converge, IReadOnlyList<int> Smooth, SavedSegment? Final);

    /// <summary>Checkpoint form of one segment average.</summary>
    public sealed record SavedSegment(int Id, double Loss, long Count, int StartStep, int EndStep);

    public void Dispose()
    {
        foreach (var s in _owned) s.Average.Dispose();
        _owned.Clear();
        FinalAverage?.Dispose();
    }

    private void Push(LinkedList<Segment> queue, Segment segment, int capacity)
    {
        queue.AddLast(segment);
        if (queue.Count > capacity) Release(queue.First!.Value, queue);
    }

    private void Release(Segment segment, LinkedList<Segment> from)
    {
        from.RemoveFirst();
        if (!_converge.Contains(segment) && !_smooth.Contains(segment) && _owned.Remove(segment)) segment.Average.Dispose();
    }

    private sealed record Segment(WeightAverage Average, double Loss);
}
