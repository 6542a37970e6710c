namespace Transactions.Storage.Tests;

public sealed class TableKeysTests
{
    private static readonly string[] Ids =
    [
        string.Empty,
        " ",
        "alice",
        "ユーザー-Müller-😀",
        @"a/b#c?d\e",
        "tab\there\nnul\0del\u007fc1\u0085",
        "100%",
        "%25",
        "%sha256:" + new string('0', 64),
        "lone \uD800 surrogate",
        "lone \uDC00 low",
        "\uD83D",
        new string('a', TableKeys.MaxReadableUserKeyChars),
        new string('a', TableKeys.MaxReadableUserKeyChars + 1),
        new string('/', 200),
        new string('x', 600),
        new string('x', 1024),
        new string('x', 100_000),
    ];

    public static TheoryData<string> OddUserIds => [.. Ids];

    [Theory]
    [MemberData(nameof(OddUserIds))]
    public void User_AnyId_IsAValidKeyOfAtMost1KiBAndStable(string userId)
    {
        var key = TableKeys.User(userId);

        Assert.Equal(key, TableKeys.User(new string(userId.AsSpan())));
        Assert.InRange(key.Length, 1, TableKeys.MaxReadableUserKeyChars);
        // Azure Table keys are at most 1 KiB of UTF-16, with the longest prefix put before a user key too.
        Assert.True(("user_" + key).Length * sizeof(char) <= 1024, "the key with its UserLinks prefix exceeds 1 KiB");
        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
        Assert.False(HasUnpairedSurrogate(key), "the key does not survive UTF-8");
    }

    [Fact]
    public void User_DifferentIds_GetDifferentKeys()
    {
        var keys = Ids.Select(TableKeys.User).ToList();

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("auth0|5f7c8ec7c33c6c004bbafe82")]
    [InlineData("user@example.com")]
    [InlineData("ユーザー")]
    [InlineData(@"a/b#c?d\e%")]
    public void User_ShortWellFormedId_IsTheEscapedIdAsBefore(string userId)
    {
        // Rows written before user keys had their own mapping stay where they are.
        Assert.Equal(TableKeys.Escape(userId, nameof(userId)), TableKeys.User(userId));
    }

    [Fact]
    public void User_LongIds_AreHashedAndNeverCollideWithAnEscapedId()
    {
        var longId = new string('x', 600);
        var hashed = TableKeys.User(longId);
        var sameLength = TableKeys.User(new string('x', 599) + "y");

        Assert.StartsWith(TableKeys.HashedUserPrefix, hashed, StringComparison.Ordinal);
        Assert.Equal(TableKeys.HashedUserPrefix.Length + 64, hashed.Length);
        Assert.NotEqual(hashed, sameLength);
        // An id spelled like the hashed key is escaped ('%' → "%25"), so it cannot take that key.
        Assert.Equal("%25" + hashed[1..], TableKeys.User(hashed));
    }

    [Fact]
    public void User_UnpairedSurrogates_AreHashedWithoutMergingIds()
    {
        // UTF-8 would turn both into U+FFFD; the hash covers the code units themselves.
        Assert.NotEqual(TableKeys.User("\uD800"), TableKeys.User("\uD801"));
        Assert.NotEqual(TableKeys.User("\uD800"), TableKeys.User("\uFFFD"));
        Assert.StartsWith(TableKeys.HashedUserPrefix, TableKeys.User("\uD800"), StringComparison.Ordinal);
    }

    [Fact]
    public void User_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => TableKeys.User(null!));
    }

    private static bool HasUnpairedSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }
}
