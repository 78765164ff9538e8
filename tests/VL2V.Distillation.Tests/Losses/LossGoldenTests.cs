using System.Text.Json;
using VL2V.Distillation.Losses;
using VL2V.Distillation.Tests.TestSupport;

namespace VL2V.Distillation.Tests.Losses;

/// <summary>Every loss against values computed independently with PyTorch 1.13 (Fixtures/make_golden.py).</summary>
public sealed class LossGoldenTests
{
    private static readonly JsonElement Root = Golden.Load("loss_golden.json");

    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Root.GetProperty("cases").GetArrayLength(); i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_MatchesPyTorchReference(int index)
    {
        using var scope = torch.NewDisposeScope();
        var c = Root.GetProperty("cases")[index];
        var p = c.GetProperty("params");
        var input = Root.GetProperty("inputs");
        var embedding = Golden.Float(input.GetProperty("student_embedding")).requires_grad_(true);
        var logits = Golden.Float(input.GetProperty("student_logits")).requires_grad_(true);
        var labels = Golden.Long(input.GetProperty("labels"));
        var teacher = new TeacherEmbeddings(Golden.Float(input.GetProperty("teacher_image")),
            Golden.Float(input.GetProperty("class_text")), input.GetProperty("logit_scale").GetDouble());
        var student = new StudentOutput(embedding, logits);

        string kind = c.GetProperty("loss").GetString()!;
        LossResult result = kind switch
        {
            "adip" => new AdipLoss(p.GetProperty("lambda").GetDouble()).Compute(student, teacher, labels),
            "ce" => new CrossEntropyLoss(p.GetProperty("label_smoothing").GetDouble()).Compute(student, teacher, labels),
            "kd" => new KnowledgeDistillationLoss(p.GetProperty("temperature").GetDouble(),
                p.GetProperty("distillation_weight").GetDouble(), p.GetProperty("cross_entropy_weight").GetDouble()).Compute(student, teacher, labels),
            "feature" => new FeatureDistillationLoss(Enum.Parse<FeatureDistance>(p.GetProperty("distance").GetString()!)).Compute(student, teacher, labels),
            "rkd" => new RelationalDistillationLoss(p.GetProperty("distance_weight").GetDouble(), p.GetProperty("angle_weight").GetDouble())
                .Compute(student, teacher, labels),
            "contrastive" => new ClipContrastiveLoss().Compute(embedding, Golden.Float(input.GetProperty("pair_text")),
                torch.tensor((float)p.GetProperty("logit_scale").GetDouble())),
            "composite" => new CompositeLoss { { "adip", new AdipLoss(0.5), 1.0 }, { "ce", new CrossEntropyLoss(0.1), 0.25 } }
                .Compute(student, teacher, labels),
            _ => throw new InvalidOperationException($"Unknown golden case '{kind}'."),
        };

        TensorAssert.Close(result.Total.ToDouble(), c.GetProperty("total").GetDouble(), because: $"({kind} total)");
        foreach (var term in c.GetProperty("terms").EnumerateObject())
        {
            result.Terms.Should().ContainKey(term.Name);
            TensorAssert.Close(result.Terms[term.Name].ToDouble(), term.Value.GetDouble(), because: $"({kind} term {term.Name})");
        }

        if (c.TryGetProperty("grad_student_embedding", out var gradEmbedding))
        {
            result.Total.backward();
            TensorAssert.Close(embedding.grad!, Golden.Float(gradEmbedding), because: $"({kind} gradient)");
        }
        if (c.TryGetProperty("grad_student_logits", out var gradLogits))
        {
            result.Total.backward();
            TensorAssert.Close(logits.grad!, Golden.Float(gradLogits), because: $"({kind} gradient)");
        }
    }
}
