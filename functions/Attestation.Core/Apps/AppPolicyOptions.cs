using System.ComponentModel.DataAnnotations;
using Attestation.Core.Platforms.Android;
using Attestation.Core.Platforms.Apple;
using Attestation.Core.Platforms.PlayIntegrity;

namespace Attestation.Core.Apps;

/// <summary>The apps registered in configuration (section <c>Attestation</c>, key <c>Apps</c>: a list).</summary>
public sealed class AppPolicyOptions
{
    public const string SectionName = "Attestation";

    public IList<AppPolicyConfiguration> Apps { get; } = [];
}
