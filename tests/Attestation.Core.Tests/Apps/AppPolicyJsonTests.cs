using System.Collections;
using System.Reflection;
using Attestation.Core.Apps;
using Attestation.Core.Errors;

namespace Attestation.Core.Tests.Apps;

/// <summary>
/// The stored and admin form of an app. The registry keeps each app as this JSON, so every setting of
/// <see cref="AppPolicyConfiguration"/> and of its platform sections (including ones added later) must survive the round trip.
/// </summary>
public class AppPolicyJsonTests
{
    [Fact]
    public void EverySettingOfEverySectionSurvivesTheRoundTrip()
    {
        // Filled by reflection, so that a setting added to a section later is covered without touching this test.
        var app = (AppPolicyConfiguration)Fill(typeof(AppPolicyConfiguration), depth: 0);

        var json = AppPolicyJson.Serialize(app);
        var read = AppPolicyJson.Deserialize(json);

        Assert.Equal(json, AppPolicyJson.Serialize(read));
        foreach (var property in typeof(AppPolicyConfiguration).GetProperties())
        {
            Assert.NotNull(property.GetValue(read));
        }
    }

    [Fact]
    public void NamesAreTheConfigurationKeysInCamelCase()
    {
        var app = AppPolicyJson.Deserialize("""{"appId":"com.contoso.a","platforms":["debug"],"failureMode":"decoy","debugTokenSha256":["00"],"apple":{"teamId":"T"},"androidKey":{"signingCertificateDigests":["d"]},"playIntegrity":{"packageName":"p"}}""");

        Assert.Equal("com.contoso.a", app.AppId);
        Assert.Equal(["debug"], app.Platforms);
        Assert.Equal("decoy", app.FailureMode);
        Assert.Equal("T", app.Apple!.TeamId);
        Assert.Equal(["d"], app.AndroidKey!.SigningCertificateDigests);
        Assert.Equal("p", app.PlayIntegrity!.PackageName);
    }

    [Fact]
    public void TheMaximumDevicesPerBatchCertificateIsReadFromTheAndroidKeySectionAndAbsentWhenNotSet()
    {
        var app = AppPolicyJson.Deserialize("""{"appId":"com.contoso.a","androidKey":{"packageName":"p","maximumDevicesPerBatchCertificate":500}}""");

        Assert.Equal(500, app.AndroidKey!.MaximumDevicesPerBatchCertificate);
        Assert.Contains("\"maximumDevicesPerBatchCertificate\":500", AppPolicyJson.Serialize(app), StringComparison.Ordinal);
        Assert.Null(AppPolicyJson.Deserialize("""{"appId":"a","androidKey":{"packageName":"p"}}""").AndroidKey!.MaximumDevicesPerBatchCertificate);
    }

    [Fact]
    public void TheMaximumRegistrationAgeIsADurationAndAbsentWhenNotSet()
    {
        var app = AppPolicyJson.Deserialize("""{"appId":"com.contoso.a","maximumRegistrationAge":"7.12:00:00"}""");

        Assert.Equal(new TimeSpan(7, 12, 0, 0), app.MaximumRegistrationAge);
        Assert.Contains("\"maximumRegistrationAge\":\"7.12:00:00\"", AppPolicyJson.Serialize(app), StringComparison.Ordinal);
        Assert.DoesNotContain("maximumRegistrationAge", AppPolicyJson.Serialize(AppPolicyJson.Deserialize("""{"appId":"a"}""")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"appId":"a","maximumRegistrationAge":30}""")]
    [InlineData("""{"appId":"a","maximumRegistrationAge":"30 days"}""")]
    [InlineData("""{"appId":"a","Platforms":["debug"]}""")]
    [InlineData("""{"appId":"a","apple":{"teamid":"T"}}""")]
    [InlineData("""{"appId":"a","appId":"b"}""")]
    [InlineData("""{"appId":"a","platforms":"debug"}""")]
    [InlineData("""null""")]
    [InlineData("""{"appId":""")]
    public void AnUnknownFieldAWrongTypeOrMalformedJsonIsInvalidRequest(string json)
    {
        var refused = Assert.Throws<AttestationException>(() => AppPolicyJson.Deserialize(json));

        Assert.Equal(AttestationErrorCode.InvalidRequest, refused.Code);
    }

    private static object Fill(Type type, int depth)
    {
        var instance = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (property.GetValue(instance) is IList list && propertyType.IsGenericType && propertyType.GetGenericArguments()[0] == typeof(string))
            {
                list.Add($"{property.Name}-1");
                list.Add($"{property.Name}-2");
            }
            else if (!property.CanWrite)
            {
                continue;
            }
            else if (propertyType == typeof(string))
            {
                property.SetValue(instance, $"{property.Name}-value");
            }
            else if (propertyType == typeof(bool))
            {
                property.SetValue(instance, !(bool)(property.GetValue(instance) ?? false));
            }
            else if (propertyType == typeof(int) || propertyType == typeof(long))
            {
                property.SetValue(instance, Convert.ChangeType(202611, propertyType, System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (propertyType == typeof(TimeSpan))
            {
                property.SetValue(instance, new TimeSpan(7, 0, 3, 0));
            }
            else if (propertyType.IsEnum)
            {
                property.SetValue(instance, Enum.GetValues(propertyType).Cast<object>().Last());
            }
            else if (propertyType.IsClass && depth < 2)
            {
                property.SetValue(instance, Fill(propertyType, depth + 1));
            }
        }

        return instance;
    }
}
