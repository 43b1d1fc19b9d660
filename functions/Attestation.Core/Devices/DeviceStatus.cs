namespace Attestation.Core.Devices;

/// <summary>Whether a registered device may still get tokens.</summary>
public enum DeviceStatus
{
    Active,
    Revoked,
}
