using System.Globalization;

namespace HimPortal.PopulationGenerator;

/// <summary>One patient record as a registration clerk entered it. Mutable: a duplicate starts as a copy and gets its error.</summary>
internal sealed class PatientRecord
{
    public string Mrn = "";
    public string FhirId = "";
    public string Given = "";
    public string? Middle;
    public string Family = "";
    public string? Suffix;
    public string? MaidenName;
    public string Sex = "";
    public DateOnly BirthDate;
    public string? Ssn;
    public bool SsnLastFourOnly;
    public string? Phone;
    public string? Email;
    public string Line = "";
    public string City = "";
    public string State = "";
    public string Zip = "";
    public List<(string System, string Value)> OtherIds = [];

    public PatientRecord Copy() => (PatientRecord)MemberwiseClone() is var copy ? Fix(copy) : this;

    private PatientRecord Fix(PatientRecord copy)
    {
        copy.OtherIds = [.. OtherIds];
        return copy;
    }
}

/// <summary>The kinds of error a duplicate record is made with (issue 16 item 1), each the truth file's label.</summary>
internal static class ErrorKinds
{
    public static readonly string[] All =
    [
        "nickname", "phonetic", "typo", "hyphenated", "maiden", "swapped", "day-month", "birth-digit", "ssn-last4",
        "ssn-missing", "moved", "new-phone",
    ];
}

/// <summary>The kinds of hard non-duplicate pair: two people whose records look alike and must never be auto-linked.</summary>
internal static class HardKinds
{
    public const string Twins = "twins";
    public const string JuniorSenior = "jr-sr";
    public const string CommonName = "common-name";
    public static readonly string[] All = [Twins, JuniorSenior, CommonName];
}

/// <summary>
/// Makes people and their records, deterministically from a seed. Unique numbers (SSN, phone, e-mail, MRN, other
/// facilities' identifiers) come from bijections of counters, so two people never share one by accident: every shared
/// value in the output is meant (a duplicate, twins, father and son).
/// </summary>
internal sealed class Population(int seed)
{
    private const string OtherFacilityOid = "urn:oid:2.16.840.1.113883.3.7001.";
    private readonly Random _random = new(seed);
    private readonly Weighted _surnames = new(Names.SurnamesWithTail(20000, 0.65, seed));
    private readonly Weighted _male = new(Names.MaleGiven);
    private readonly Weighted _female = new(Names.FemaleGiven);
    private readonly Weighted _nicknamedMale = new([.. Names.MaleGiven.Where(n => Names.Nicknames.ContainsKey(n.Name))]);
    private readonly Weighted _nicknamedFemale = new([.. Names.FemaleGiven.Where(n => Names.Nicknames.ContainsKey(n.Name))]);
    private static readonly DateOnly Today = new(2026, 12, 1);
    private long _people;
    private long _records;
    private long _phones;
    private long _emails;

    public Random Random => _random;

    /// <summary>A new person's first record. <paramref name="need"/> constrains it for an error kind that needs it.</summary>
    public PatientRecord Person(string? need = null)
    {
        var person = _people++;
        var sex = need == "maiden" ? "female" : _random.NextDouble() < 0.51 ? "female" : "male";
        var given = need == "nickname"
            ? (sex == "female" ? _nicknamedFemale : _nicknamedMale).Next(_random)
            : Given(sex);
        var birth = BirthDate(need == "maiden" ? 22 : 0);
        if (need == "day-month")
        {
            var month = _random.Next(1, 13);
            var day = _random.Next(1, 12);
            birth = new DateOnly(birth.Year, month, day >= month ? day + 1 : day);
        }

        var city = Names.Cities[_random.Next(Names.Cities.Length)];
        var record = new PatientRecord
        {
            Given = given,
            Middle = _random.NextDouble() < 0.4 ? Given(sex) : null,
            Family = _surnames.Next(_random),
            Sex = sex,
            BirthDate = birth,
            Ssn = need is "ssn-last4" or "ssn-missing" || _random.NextDouble() < 0.85 ? Ssn(person) : null,
            Phone = _random.NextDouble() < 0.9 ? Phone(city.Area) : null,
            Line = Street(),
            City = city.City,
            State = city.State,
            Zip = city.Zip,
        };
        record.Email = _random.NextDouble() < 0.6 ? Email(record.Given, record.Family) : null;
        for (var k = 1; k <= 5; k++)
        {
            if (_random.NextDouble() < 0.08)
            {
                record.OtherIds.Add((OtherFacilityOid + k, string.Create(CultureInfo.InvariantCulture, $"F{k}{Scramble(person, 100_000_000, 48_271 + k):00000000}")));
            }
        }

        return Register(record);
    }

    /// <summary>Gives a record its MRN and FHIR id: each record, first or duplicate, is a registration of its own.</summary>
    public PatientRecord Register(PatientRecord record)
    {
        var n = _records++;
        // MRNs are a bijection of the registration counter (multiplier prime to 10^8): distinct, and not adjacent for a
        // person's two records.
        record.Mrn = string.Create(CultureInfo.InvariantCulture, $"{Scramble(n + 1, 100_000_000, 7_368_787):D8}");
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        record.FhirId = new Guid(bytes).ToString();
        return record;
    }

    /// <summary>A duplicate registration of <paramref name="original"/> carrying an error of <paramref name="kind"/>.</summary>
    public PatientRecord Duplicate(PatientRecord original, string kind)
    {
        var d = original.Copy();
        // Background noise of a second registration: an e-mail and other facilities' numbers often not asked again,
        // the street suffix written the other way.
        if (_random.NextDouble() < 0.3)
        {
            d.Email = null;
        }

        if (_random.NextDouble() < 0.5)
        {
            d.OtherIds = [];
        }

        if (_random.NextDouble() < 0.3)
        {
            d.Line = SwapSuffix(d.Line);
        }

        switch (kind)
        {
            case "nickname":
                var nicknames = Names.Nicknames[d.Given];
                d.Given = nicknames[_random.Next(nicknames.Length)];
                break;
            case "phonetic":
                if (_random.NextDouble() < 0.7)
                {
                    d.Family = Misspell(d.Family);
                }
                else
                {
                    d.Given = Misspell(d.Given);
                }

                break;
            case "typo":
                if (_random.NextDouble() < 0.6)
                {
                    d.Family = Typo(d.Family);
                }
                else
                {
                    d.Given = Typo(d.Given);
                }

                break;
            case "hyphenated":
                var other = _surnames.Next(_random);
                d.Family = _random.NextDouble() < 0.6 ? $"{d.Family}-{other}" : $"{d.Family} {other}";
                break;
            case "maiden":
                // Married since: a new family name and a new address; the maiden name recorded on half of them.
                d.MaidenName = _random.NextDouble() < 0.5 ? d.Family : null;
                d.Family = _surnames.Next(_random);
                Move(d);
                if (_random.NextDouble() < 0.5)
                {
                    d.Phone = Phone(Names.Cities[_random.Next(Names.Cities.Length)].Area);
                }

                d.Email = null;
                break;
            case "swapped":
                (d.Given, d.Family) = (d.Family, d.Given);
                break;
            case "day-month":
                d.BirthDate = new DateOnly(d.BirthDate.Year, d.BirthDate.Day, d.BirthDate.Month);
                break;
            case "birth-digit":
                d.BirthDate = WrongDigit(d.BirthDate);
                break;
            case "ssn-last4":
                d.SsnLastFourOnly = true;
                break;
            case "ssn-missing":
                d.Ssn = null;
                break;
            case "moved":
                Move(d);
                break;
            case "new-phone":
                d.Phone = Phone(Names.Cities.First(c => c.City == d.City).Area);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown error kind");
        }

        return Register(d);
    }

    /// <summary>Two people whose records look alike (<see cref="HardKinds"/>): the second shares what the kind says.</summary>
    public (PatientRecord First, PatientRecord Second) HardPair(string kind)
    {
        switch (kind)
        {
            case HardKinds.Twins:
            {
                var a = Person();
                var b = Person();
                b.Family = a.Family;
                b.BirthDate = a.BirthDate;
                (b.Line, b.City, b.State, b.Zip, b.Phone) = (a.Line, a.City, a.State, a.Zip, a.Phone);
                // Twins of the same sex with different given names are the hard case; half are boy-girl twins.
                if (_random.NextDouble() < 0.5)
                {
                    b.Sex = a.Sex;
                }

                do
                {
                    b.Given = Given(b.Sex);
                }
                while (!TwinNames(a, b.Given));

                b.Email = b.Email is null ? null : Email(b.Given, b.Family);
                return (a, b);
            }

            case HardKinds.JuniorSenior:
            {
                var father = Person();
                father.Sex = "male";
                father.Given = Given("male");
                father.BirthDate = BirthDate(45);
                var son = Person();
                (son.Sex, son.Given, son.Middle, son.Family) = ("male", father.Given, father.Middle, father.Family);
                var years = _random.Next(20, 41);
                son.BirthDate = new DateOnly(father.BirthDate.Year + years, _random.Next(1, 13), _random.Next(1, 29));
                (son.Line, son.City, son.State, son.Zip, son.Phone) = (father.Line, father.City, father.State, father.Zip, father.Phone);
                father.Suffix = "Sr.";
                son.Suffix = "Jr.";
                return (father, son);
            }

            case HardKinds.CommonName:
            {
                var a = Person();
                var b = Person();
                a.Family = b.Family = Names.Surnames[_random.Next(5)].Name;
                a.Sex = b.Sex = _random.NextDouble() < 0.5 ? "male" : "female";
                a.Given = b.Given = (a.Sex == "male" ? Names.MaleGiven : Names.FemaleGiven)[_random.Next(3)].Name;
                while (b.BirthDate == a.BirthDate)
                {
                    b.BirthDate = BirthDate(0);
                }

                return (a, b);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown hard kind");
        }
    }

    /// <summary>
    /// Parents give twins two different names: not one name and its nickname (either way), not the other twin's middle
    /// name, not two spellings of one name (Sara/Sarah). Such pairs were drawn at first and were no fair hard case.
    /// </summary>
    private static bool TwinNames(PatientRecord a, string given)
    {
        // Lower case without h and doubled letters: "Sarah" and "Sara", "Ann" and "Anne"... close enough.
        static string Plain(string name)
        {
            var letters = name.ToLowerInvariant().Replace("h", "", StringComparison.Ordinal);
            return new string([.. letters.Where((c, i) => i == 0 || c != letters[i - 1])]);
        }

        return given != a.Given && given != a.Middle && Plain(given) != Plain(a.Given)
            && !(Names.Nicknames.TryGetValue(a.Given, out var ofA) && ofA.Contains(given))
            && !(Names.Nicknames.TryGetValue(given, out var ofB) && ofB.Contains(a.Given));
    }

    private string Given(string sex) => (sex == "female" ? _female : _male).Next(_random);

    private DateOnly BirthDate(int minAge)
    {
        // Ages 0–95, fewer of the old.
        var age = minAge + (int)(Math.Pow(_random.NextDouble(), 1.15) * (95 - minAge));
        return Today.AddYears(-age).AddDays(-_random.Next(0, 365));
    }

    private string Street()
    {
        var suffix = Names.Suffixes[_random.Next(Names.Suffixes.Length)];
        var line = string.Create(CultureInfo.InvariantCulture, $"{_random.Next(1, 9999)} {Names.Streets[_random.Next(Names.Streets.Length)]} {(_random.NextDouble() < 0.5 ? suffix.Full : suffix.Short)}");
        return _random.NextDouble() < 0.15 ? string.Create(CultureInfo.InvariantCulture, $"{line} Apt {_random.Next(1, 40)}") : line;
    }

    private void Move(PatientRecord r)
    {
        var city = Names.Cities[_random.Next(Names.Cities.Length)];
        (r.Line, r.City, r.State, r.Zip) = (Street(), city.City, city.State, city.Zip);
    }

    private static string SwapSuffix(string line)
    {
        foreach (var (full, abbreviated) in Names.Suffixes)
        {
            if (line.Contains(' ' + full, StringComparison.Ordinal))
            {
                return line.Replace(' ' + full, ' ' + abbreviated, StringComparison.Ordinal);
            }

            if (line.EndsWith(' ' + abbreviated, StringComparison.Ordinal) || line.Contains(' ' + abbreviated + ' ', StringComparison.Ordinal))
            {
                return line.Replace(' ' + abbreviated, ' ' + full, StringComparison.Ordinal);
            }
        }

        return line;
    }

    /// <summary>A unique valid-looking SSN per person: area 001–899 but 666, group 01–99, serial 0001–9999.</summary>
    private static string Ssn(long person)
    {
        var v = Scramble(person + 1, 800L * 99 * 9999, 1_000_003);
        var area = v / (99 * 9999) + 1;
        if (area >= 666)
        {
            area++;
        }

        var group = v / 9999 % 99 + 1;
        var serial = v % 9999 + 1;
        return string.Create(CultureInfo.InvariantCulture, $"{area:000}-{group:00}-{serial:0000}");
    }

    private string Phone(string area)
    {
        var v = Scramble(_phones++, 8_000_000, 2_750_159);
        return string.Create(CultureInfo.InvariantCulture, $"{area}-{v / 10000 + 200:000}-{v % 10000:0000}");
    }

    private string Email(string given, string family)
    {
        var local = new string([.. $"{given}.{family}".ToLowerInvariant().Where(c => c is >= 'a' and <= 'z' or '.')]);
        return string.Create(CultureInfo.InvariantCulture, $"{local}{_emails++}@{Names.EmailDomains[_random.Next(Names.EmailDomains.Length)]}");
    }

    /// <summary>Sound-alike spellings a clerk writes from hearing the name (the phonetic codes should agree).</summary>
    private static readonly (string From, string To)[] SoundAlikes =
    [
        ("ph", "f"), ("ck", "k"), ("ch", "tch"), ("ee", "ea"), ("ou", "ow"), ("ie", "ei"), ("ei", "ie"), ("ey", "y"),
        ("y", "ie"), ("z", "s"), ("son", "sen"), ("sen", "son"), ("man", "mann"), ("tt", "t"), ("ll", "l"), ("nn", "n"),
        ("ss", "s"), ("rr", "r"), ("c", "k"), ("k", "c"), ("th", "t"), ("ae", "e"), ("i", "y"), ("s", "z"),
    ];

    private string Misspell(string name)
    {
        var lower = name.ToLowerInvariant();
        var options = SoundAlikes.Where(s => lower.IndexOf(s.From, 1, StringComparison.Ordinal) > 0).ToList();
        if (options.Count == 0)
        {
            // Nothing to respell: double the last letter ("Lee" → "Leee" would not do; "Kim" → "Kimm").
            return name + name[^1];
        }

        var (from, to) = options[_random.Next(options.Count)];
        var at = lower.IndexOf(from, 1, StringComparison.Ordinal);
        return name[..at] + to + name[(at + from.Length)..];
    }

    private string Typo(string name)
    {
        if (name.Length < 4)
        {
            return name + (char)('a' + _random.Next(26));
        }

        var at = _random.Next(1, name.Length - 1);
        var letter = (char)('a' + _random.Next(26));
        return _random.Next(4) switch
        {
            0 => name[..at] + name[at + 1] + name[at] + name[(at + 2)..],
            1 => name[..at] + name[(at + 1)..],
            2 => name[..at] + letter + name[at..],
            _ => name[..at] + (letter == name[at] ? (char)(letter == 'z' ? 'a' : letter + 1) : letter) + name[(at + 1)..],
        };
    }

    /// <summary>One digit of the birth date written wrong: the year's last digit or the day's.</summary>
    private DateOnly WrongDigit(DateOnly date)
    {
        for (var attempt = 0; ; attempt++)
        {
            DateOnly candidate;
            if (_random.NextDouble() < 0.5)
            {
                var year = date.Year - date.Year % 10 + _random.Next(10);
                if (year == date.Year || year > Today.Year || (date.Month == 2 && date.Day == 29 && !DateTime.IsLeapYear(year)))
                {
                    continue;
                }

                candidate = new DateOnly(year, date.Month, date.Day);
            }
            else
            {
                var day = date.Day - date.Day % 10 + _random.Next(10);
                if (day == date.Day || day < 1 || day > DateTime.DaysInMonth(date.Year, date.Month))
                {
                    continue;
                }

                candidate = new DateOnly(date.Year, date.Month, day);
            }

            return candidate;
        }
    }

    /// <summary>n ↦ n·multiplier mod modulus: a bijection on [0, modulus) when the two are coprime.</summary>
    private static long Scramble(long n, long modulus, long multiplier) => (long)((Int128)n * multiplier % modulus);

    /// <summary>Draws names in proportion to their counts (cumulative sums, binary search).</summary>
    private sealed class Weighted
    {
        private readonly string[] _names;
        private readonly long[] _cumulative;

        public Weighted((string Name, int Count)[] names)
        {
            _names = [.. names.Select(n => n.Name)];
            _cumulative = new long[names.Length];
            long sum = 0;
            for (var i = 0; i < names.Length; i++)
            {
                sum += names[i].Count;
                _cumulative[i] = sum;
            }
        }

        public string Next(Random random)
        {
            var x = random.NextInt64(_cumulative[^1]);
            var i = Array.BinarySearch(_cumulative, x + 1);
            return _names[i >= 0 ? i : ~i];
        }
    }
}
