using System.Text.Json;
using System.Text.Json.Serialization;
using Attestation.Core.Errors;

namespace Attestation.Core.Platforms.Apple;

/// <summary>
/// What a verified App Attest attestation showed that the app's policy can change its mind about, kept with the registration
/// so that every refresh applies the app's current policy to it again (issue 16, finding 3). The App ID needs no keeping:
/// every assertion names it (its rpIdHash, Apple's "Verify the assertion" step 4), and is checked against the current one.
/// </summary>
/// <param name="Environment">The App Attest environment of the attested key (Apple's "Verify the attestation", step 8).</param>
public sealed record AppleRegisteredFacts(AppAttestEnvironment Environment)
{
    // The stored form is this platform's alone: the flows and the store carry it as opaque text.
    private static readonly JsonSerializerOptions Format = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 2,
    };

    /// <summary>The stored form.</summary>
    public string ToText() => JsonSerializer.Serialize(this, Format);

    /// <summary>
    /// Reads the stored form; null for a registration that has none (written before the facts were stored, see docs/api.md).
    /// </summary>
    /// <exception cref="AttestationException">
    /// <c>attestation_required</c> when the text cannot be read: what cannot be re-checked is attested again, never trusted.
    /// </exception>
    public static AppleRegisteredFacts? FromText(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            var facts = JsonSerializer.Deserialize<AppleRegisteredFacts>(text, Format);
            return facts is not null && Enum.IsDefined(facts.Environment) ? facts : throw new JsonException("No environment.");
        }
        catch (JsonException)
        {
            throw new AttestationException(AttestationErrorCode.AttestationRequired, "What this device attested cannot be re-checked; attest again.");
        }
    }

    /// <summary>Applies the app's current <paramref name="policy"/> to these facts, as the attestation applied the policy of its day.</summary>
    /// <exception cref="AttestationException"><c>policy_violation</c> for a development key where the app no longer allows one.</exception>
    public void Enforce(AppleAppAttestPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (Environment == AppAttestEnvironment.Development && !policy.AllowDevelopment)
        {
            throw AppleRefusals.PolicyViolation("The key was attested in the development environment, which this app does not allow.");
        }
    }
}
