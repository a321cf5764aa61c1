using System.Globalization;
using System.Text;

namespace HimPortal.Application.Patients;

public static class PatientNames
{
    /// <summary>
    /// Lower case without diacritics, for name search: "Cortés" → "cortes". The import stores names folded this way and
    /// the patient search folds what is typed the same way, so the two always agree.
    /// </summary>
    public static string Fold(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var decomposed = value.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(char.ToLowerInvariant(ch));
            }
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }
}
