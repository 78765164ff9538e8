namespace VL2V.Distillation.Clip.Text;

/// <summary>Which id fills the positions after <c>&lt;|endoftext|&gt;</c> in a fixed-length token row.</summary>
public enum ClipPadding
{
    /// <summary>openai/CLIP's <c>clip.tokenize</c>: 0 (the token "!"). CLIP pools at <c>argmax(ids)</c>, so padding never matters there.</summary>
    Zero = 0,

    /// <summary>Hugging Face transformers' <c>CLIPTokenizer</c>: the end-of-text id 49407.</summary>
    EndOfText = 1,
}
