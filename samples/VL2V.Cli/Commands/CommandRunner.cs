using System.Text.Json;
using VL2V.Distillation.Checkpoints;
using VL2V.Distillation.Data;

namespace VL2V.Cli.Commands;

/// <summary>Runs a command body and turns the expected failures into one line on stderr and a non-zero exit code.</summary>
internal static class CommandRunner
{
    public static int Run(string command, TextWriter error, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is CliException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
                                      or DatasetValidationException or CheckpointMismatchException or JsonException
                                      or ArgumentException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"vl2v {command}: error: {CliApp.OneLine(e.Message)}");
            return CliApp.Failure;
        }
        catch (Exception e)
        {
            error.WriteLine($"vl2v {command}: internal error ({e.GetType().Name}): {CliApp.OneLine(e.Message)}");
            return CliApp.Failure;
        }
    }
}
