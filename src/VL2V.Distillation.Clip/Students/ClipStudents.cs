using VL2V.Distillation.Clip.Modules;
using VL2V.Distillation.Students;

namespace VL2V.Distillation.Clip.Students;

/// <summary>Factories for the VL2V-SD student: the CLIP image encoder, initialised from a CLIP model (PAPER.md §2.7).</summary>
public static class ClipStudents
{
    /// <summary>
    /// Builds a <see cref="ClipVisionBackbone"/> holding a deep copy of <paramref name="model"/>'s image tower
    /// (every <c>visual.*</c> parameter and buffer copied into new tensors, same dtype and device), all trainable.
    /// </summary>
    /// <param name="model">The CLIP model (e.g. <see cref="ClipTeacher.Model"/>); it is only read.</param>
    /// <returns>A new backbone in training mode; at initialisation its output equals <c>model.EncodeImage</c>.</returns>
    public static ClipVisionBackbone BackboneFromModel(ClipModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var source = model.state_dict();
        var backbone = new ClipVisionBackbone(model.Config, source["visual.conv1.weight"].device, model.DType);
        try
        {
            using var noGrad = torch.no_grad();
            foreach (var (name, target) in backbone.state_dict())
            {
                if (!source.TryGetValue(name, out var from))
                {
                    throw new InvalidOperationException($"The CLIP model has no tensor '{name}' for the student's image tower; the model and its configuration disagree.");
                }
                target.copy_(from);
            }
            foreach (var parameter in backbone.parameters()) parameter.requires_grad = true;
            backbone.train();
            return backbone;
        }
        catch
        {
            backbone.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The VL2V-SD student: <see cref="BackboneFromModel"/> wrapped in a <see cref="Student"/> without projection head
    /// (<c>embeddingDim: null</c>), so <c>Embedding</c> is CLIP's projected image embedding <c>[B, E]</c>.
    /// </summary>
    /// <param name="model">The CLIP model whose image tower initialises the student; it is only read.</param>
    /// <param name="numClasses">Adds a linear classifier on the embedding (ERM/KD baselines); null for none (VL2V-SD predicts with the teacher's text classifier).</param>
    /// <returns>The student, sharing no tensor with <paramref name="model"/>.</returns>
    public static Student FromModel(ClipModel model, int? numClasses = null)
    {
        var backbone = BackboneFromModel(model);
        try
        {
            return new Student(backbone, embeddingDim: null, numClasses);
        }
        catch
        {
            backbone.Dispose();
            throw;
        }
    }

    /// <summary>The VL2V-SD student initialised from a teacher's CLIP image tower; see <see cref="FromModel"/>.</summary>
    /// <param name="teacher">The frozen teacher; its weights are copied, never shared.</param>
    /// <param name="numClasses">Optional linear classifier outputs.</param>
    /// <returns>The student.</returns>
    public static Student FromTeacher(ClipTeacher teacher, int? numClasses = null)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        return FromModel(teacher.Model, numClasses);
    }
}
