namespace VL2V.Distillation.Data;

/// <summary>Which part of a <see cref="DomainPartition"/> to read.</summary>
public enum SplitPart
{
    /// <summary>The "in" part: training data of a source domain, the reported test data of a target domain.</summary>
    In,

    /// <summary>The held-out "out" part: the training-domain validation data of a source domain.</summary>
    Out,
}
