using System.CommandLine;

namespace VL2V.Cli.Commands;

/// <summary>One <c>vl2v</c> sub-command: its options, help text and action.</summary>
internal interface ICliCommand
{
    /// <summary>Creates the command; its action writes results to <paramref name="output"/> and one-line errors to <paramref name="error"/>.</summary>
    Command Build(TextWriter output, TextWriter error);
}
