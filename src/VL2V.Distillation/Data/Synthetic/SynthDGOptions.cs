namespace VL2V.Distillation.Data.Synthetic;

/// <summary>What <see cref="SynthDG.Create"/> generates.</summary>
public sealed record SynthDGOptions
{
    /// <summary>The generator seed: every image is a pure function of (seed, domain, index, image size).</summary>
    /// <value>The default is 0.</value>
    public long Seed { get; init; }

    /// <summary>The side of the square images in pixels (16–256; the intended range is 32–64).</summary>
    /// <value>The default is 32.</value>
    public int ImageSize { get; init; } = 32;

    /// <summary>Images per domain; sample <c>i</c> has class <c>i mod C</c>, so classes are balanced.</summary>
    /// <value>The default is 400.</value>
    public int SamplesPerDomain { get; init; } = 400;

    /// <summary>The domains, in dataset order; <see langword="null"/> selects the four PACS-like ones.</summary>
    /// <value>The default is <see cref="SynthDG.PacsLikeDomains"/> (photo, painting, cartoon, sketch).</value>
    public IReadOnlyList<SynthDomain>? Domains { get; init; }

    /// <summary>The domains in effect.</summary>
    public IReadOnlyList<SynthDomain> EffectiveDomains => Domains ?? SynthDG.PacsLikeDomains;

    /// <summary>Checks every value and throws one exception that lists all problems.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names the option, its value and the allowed range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (ImageSize is < SynthDG.MinImageSize or > SynthDG.MaxImageSize)
            problems.Add($"ImageSize must be in [{SynthDG.MinImageSize}, {SynthDG.MaxImageSize}] pixels (was {ImageSize}).");
        if (SamplesPerDomain < 1)
            problems.Add($"SamplesPerDomain must be ≥ 1 (was {SamplesPerDomain}).");
        var domains = EffectiveDomains;
        if (domains.Count == 0)
            problems.Add("Domains must name at least one domain (or be null for the PACS-like four).");
        foreach (var d in domains.Where(d => !Enum.IsDefined(d)))
            problems.Add($"Domains contains {(int)d}, which is not a SynthDomain.");
        foreach (var g in domains.GroupBy(d => d).Where(g => g.Count() > 1))
            problems.Add($"Domains lists {g.Key} {g.Count()} times; each domain may appear once.");
        if (problems.Count > 0)
        {
            throw new ArgumentException("The 'SynthDGOptions' are invalid:" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => "- " + p)));
        }
    }
}
