using System.Security.Cryptography;

namespace HimPortal.Application.Access.Identity;

public static class PasswordGenerator
{
    // No look-alike characters (0/O, 1/l/I), so a printed password can be typed back.
    private const string Alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.!";

    /// <summary>A random password of 20 characters: about 118 bits, far beyond any guessing attack.</summary>
    public static string Generate(int length = 20) => RandomNumberGenerator.GetString(Alphabet, length);
}
