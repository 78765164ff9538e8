namespace VL2V.Distillation.Clip.Text;

/// <summary>
/// Prompt templates for CLIP zero-shot class embeddings. A template is a string with the placeholder
/// <see cref="ClassPlaceholder"/> (<c>{c}</c>) where the class name goes; a template set is averaged per class
/// (normalise each embedding, average, normalise again).
/// </summary>
public static class PromptTemplates
{
    /// <summary>The placeholder replaced by a class name.</summary>
    public const string ClassPlaceholder = "{c}";

    /// <summary>The placeholder replaced by a domain name in <see cref="Domain"/>.</summary>
    public const string DomainPlaceholder = "{domain}";

    /// <summary>
    /// The VL2V-ADiP paper's single template, <c>a photo of a {c}</c> (no final period): its code's default
    /// <c>--prompt_style 2</c> (<c>"a photo of a {class_name}"</c>) and PAPER.md §2.3.
    /// </summary>
    public static IReadOnlyList<string> Paper { get; } = ["a photo of a {c}"];

    /// <summary>The CLIP paper's single ImageNet template, <c>a photo of a {c}.</c> (with the period).</summary>
    public static IReadOnlyList<string> OpenAISingle { get; } = ["a photo of a {c}."];

    /// <summary>
    /// open_clip's <c>SIMPLE_IMAGENET_TEMPLATES</c>: 7 of the 80 OpenAI templates selected in openai/CLIP's
    /// <c>Prompt_Engineering_for_ImageNet.ipynb</c>.
    /// </summary>
    public static IReadOnlyList<string> OpenClipSimple { get; } =
    [
        "itap of a {c}.",
        "a bad photo of the {c}.",
        "a origami {c}.",
        "a photo of the large {c}.",
        "a {c} in a video game.",
        "art of the {c}.",
        "a photo of the small {c}.",
    ];

    /// <summary>The 80 ImageNet templates of the CLIP paper (openai/CLIP <c>Prompt_Engineering_for_ImageNet.ipynb</c>), in its order.</summary>
    public static IReadOnlyList<string> OpenAIImageNet { get; } =
    [
        "a bad photo of a {c}.",
        "a photo of many {c}.",
        "a sculpture of a {c}.",
        "a photo of the hard to see {c}.",
        "a low resolution photo of the {c}.",
        "a rendering of a {c}.",
        "graffiti of a {c}.",
        "a bad photo of the {c}.",
        "a cropped photo of the {c}.",
        "a tattoo of a {c}.",
        "the embroidered {c}.",
        "a photo of a hard to see {c}.",
        "a bright photo of a {c}.",
        "a photo of a clean {c}.",
        "a photo of a dirty {c}.",
        "a dark photo of the {c}.",
        "a drawing of a {c}.",
        "a photo of my {c}.",
        "the plastic {c}.",
        "a photo of the cool {c}.",
        "a close-up photo of a {c}.",
        "a black and white photo of the {c}.",
        "a painting of the {c}.",
        "a painting of a {c}.",
        "a pixelated photo of the {c}.",
        "a sculpture of the {c}.",
        "a bright photo of the {c}.",
        "a cropped photo of a {c}.",
        "a plastic {c}.",
        "a photo of the dirty {c}.",
        "a jpeg corrupted photo of a {c}.",
        "a blurry photo of the {c}.",
        "a photo of the {c}.",
        "a good photo of the {c}.",
        "a rendering of the {c}.",
        "a {c} in a video game.",
        "a photo of one {c}.",
        "a doodle of a {c}.",
        "a close-up photo of the {c}.",
        "a photo of a {c}.",
        "the origami {c}.",
        "the {c} in a video game.",
        "a sketch of a {c}.",
        "a doodle of the {c}.",
        "a origami {c}.",
        "a low resolution photo of a {c}.",
        "the toy {c}.",
        "a rendition of the {c}.",
        "a photo of the clean {c}.",
        "a photo of a large {c}.",
        "a rendition of a {c}.",
        "a photo of a nice {c}.",
        "a photo of a weird {c}.",
        "a blurry photo of a {c}.",
        "a cartoon {c}.",
        "art of a {c}.",
        "a sketch of the {c}.",
        "a embroidered {c}.",
        "a pixelated photo of a {c}.",
        "itap of the {c}.",
        "a jpeg corrupted photo of the {c}.",
        "a good photo of a {c}.",
        "a plushie {c}.",
        "a photo of the nice {c}.",
        "a photo of the small {c}.",
        "a photo of the weird {c}.",
        "the cartoon {c}.",
        "art of the {c}.",
        "a drawing of the {c}.",
        "a photo of the large {c}.",
        "a black and white photo of a {c}.",
        "the plushie {c}.",
        "a dark photo of a {c}.",
        "itap of a {c}.",
        "graffiti of the {c}.",
        "a toy {c}.",
        "itap of my {c}.",
        "a photo of a cool {c}.",
        "a photo of a small {c}.",
        "a tattoo of the {c}.",
    ];

    /// <summary>The domain-prompt pattern of the paper's embedding study (PAPER.md §4.4, E2): <c>a {domain} of a {c}</c>.</summary>
    public const string DomainPattern = "a {domain} of a {c}";

    /// <summary>
    /// One template per domain, <c>a {domain} of a {c}</c> (e.g. <c>a sketch of a {c}</c>), for averaging class
    /// embeddings over the training domains. Domain names are used as given (write "cartoon", "art painting").
    /// </summary>
    /// <param name="domains">Domain names, at least one.</param>
    /// <exception cref="ArgumentException">No domains, or a blank name.</exception>
    public static IReadOnlyList<string> Domain(IEnumerable<string> domains)
    {
        ArgumentNullException.ThrowIfNull(domains);
        var result = new List<string>();
        foreach (var domain in domains)
        {
            if (string.IsNullOrWhiteSpace(domain))
            {
                throw new ArgumentException($"Domain name {result.Count} is blank; every domain needs a name such as 'sketch'.", nameof(domains));
            }
            result.Add(DomainPattern.Replace(DomainPlaceholder, domain.Trim(), StringComparison.Ordinal));
        }
        if (result.Count == 0) throw new ArgumentException("At least one domain name is needed.", nameof(domains));
        return result;
    }

    /// <summary>Fills one template with one class name.</summary>
    /// <exception cref="ArgumentException">The template lacks <see cref="ClassPlaceholder"/>.</exception>
    public static string Format(string template, string className)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(className);
        if (!template.Contains(ClassPlaceholder, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The prompt template '{template}' has no '{ClassPlaceholder}' placeholder for the class name.", nameof(template));
        }
        return template.Replace(ClassPlaceholder, className, StringComparison.Ordinal);
    }

    /// <summary>
    /// Formats every class with every template: <c>result[i][j]</c> is template j filled with class i. Class names
    /// are used as given (DomainBed-style folder names need <c>_</c> → space first; see <see cref="ClassNameFromFolder"/>).
    /// </summary>
    /// <param name="classNames">C class names.</param>
    /// <param name="templates">T templates, each containing <see cref="ClassPlaceholder"/>.</param>
    /// <returns>C lists of T prompts.</returns>
    /// <exception cref="ArgumentException">No classes or templates, a blank class name, or a template without the placeholder.</exception>
    public static IReadOnlyList<IReadOnlyList<string>> Format(IEnumerable<string> classNames, IReadOnlyList<string> templates)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(templates);
        if (templates.Count == 0) throw new ArgumentException("At least one prompt template is needed.", nameof(templates));
        var result = new List<IReadOnlyList<string>>();
        foreach (var className in classNames)
        {
            if (string.IsNullOrWhiteSpace(className))
            {
                throw new ArgumentException($"Class name {result.Count} is blank; every class needs a name.", nameof(classNames));
            }
            result.Add([.. templates.Select(t => Format(t, className))]);
        }
        if (result.Count == 0) throw new ArgumentException("At least one class name is needed.", nameof(classNames));
        return result;
    }

    /// <summary>The paper's class name from a dataset folder name: underscores become spaces (<c>"alarm_clock"</c> → <c>"alarm clock"</c>).</summary>
    public static string ClassNameFromFolder(string folderName)
    {
        ArgumentNullException.ThrowIfNull(folderName);
        return folderName.Replace('_', ' ');
    }
}
