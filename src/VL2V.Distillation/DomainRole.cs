namespace VL2V.Distillation;

/// <summary>What a domain is used for in a <see cref="DomainSplit"/>.</summary>
public enum DomainRole
{
    /// <summary>A source domain: its in-split trains the student, its out-split is the training-domain validation set.</summary>
    Train,

    /// <summary>A target domain, never seen in training: its in-split gives the reported accuracy.</summary>
    Test,

    /// <summary>Neither trained on nor tested (when the training domains are chosen explicitly).</summary>
    Unused,
}
