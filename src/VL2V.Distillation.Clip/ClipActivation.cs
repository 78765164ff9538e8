namespace VL2V.Distillation.Clip;

/// <summary>The activation in the MLP of every transformer block of both towers.</summary>
public enum ClipActivation
{
    /// <summary><c>x · sigmoid(1.702 x)</c>: every OpenAI CLIP model and open_clip's <c>-quickgelu</c> models.</summary>
    QuickGelu,

    /// <summary>Exact (erf) GELU: open_clip models trained without <c>quick_gelu</c> (e.g. the LAION ViTs).</summary>
    Gelu,
}
