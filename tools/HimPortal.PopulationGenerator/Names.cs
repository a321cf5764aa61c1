namespace HimPortal.PopulationGenerator;

/// <summary>
/// Frequency-weighted names, so that "Smith" is common and "Przybylski" rare (issue 16 item 6). The head of each list
/// is the most frequent US names with their approximate counts: surnames from the US Census Bureau's 2010 surname
/// table, given names from the Social Security Administration's national name counts (both works of the US government,
/// public domain), rounded. The long tail of rare surnames (about half of all people carry a surname outside the top
/// thousand) is a list of real rarer surnames and a deterministic set of made-up ones with Zipf-like weights.
/// </summary>
internal static class Names
{
    public static readonly (string Name, int Count)[] Surnames =
    [
        ("Smith", 2442977), ("Johnson", 1932812), ("Williams", 1625252), ("Brown", 1437026), ("Jones", 1425470),
        ("Garcia", 1166120), ("Miller", 1161437), ("Davis", 1116357), ("Rodriguez", 1094924), ("Martinez", 1060159),
        ("Hernandez", 1043281), ("Lopez", 874523), ("Gonzalez", 841025), ("Wilson", 801882), ("Anderson", 784404),
        ("Thomas", 756142), ("Taylor", 751209), ("Moore", 724374), ("Jackson", 708099), ("Martin", 702625),
        ("Lee", 693023), ("Perez", 681645), ("Thompson", 664644), ("White", 660491), ("Harris", 624252),
        ("Sanchez", 612752), ("Clark", 562679), ("Ramirez", 557423), ("Lewis", 531781), ("Robinson", 529821),
        ("Walker", 523129), ("Young", 484447), ("Allen", 482607), ("King", 465422), ("Wright", 458980),
        ("Scott", 439530), ("Torres", 437813), ("Nguyen", 437645), ("Hill", 434827), ("Flores", 433969),
        ("Green", 430182), ("Adams", 427865), ("Nelson", 424958), ("Baker", 419586), ("Hall", 407076),
        ("Rivera", 391114), ("Campbell", 386157), ("Mitchell", 384486), ("Carter", 376966), ("Roberts", 376774),
        ("Gomez", 365655), ("Phillips", 360802), ("Evans", 355593), ("Turner", 348627), ("Diaz", 347636),
        ("Parker", 336221), ("Cruz", 334201), ("Edwards", 332423), ("Collins", 329770), ("Reyes", 327904),
        ("Stewart", 321783), ("Morris", 311754), ("Morales", 311777), ("Murphy", 308417), ("Cook", 302589),
        ("Rogers", 302261), ("Gutierrez", 293218), ("Ortiz", 286571), ("Morgan", 286174), ("Cooper", 280791),
        ("Peterson", 278297), ("Bailey", 277845), ("Reed", 277030), ("Kelly", 267394), ("Howard", 264826),
        ("Ramos", 263464), ("Kim", 262352), ("Cox", 261231), ("Ward", 260464), ("Richardson", 259798),
        ("Watson", 252579), ("Brooks", 251663), ("Chavez", 250898), ("Wood", 250715), ("James", 249379),
        ("Bennett", 247599), ("Gray", 246116), ("Mendoza", 242309), ("Ruiz", 238593), ("Hughes", 236271),
        ("Price", 235251), ("Alvarez", 233983), ("Castillo", 230420), ("Sanders", 230374), ("Patel", 229973),
        ("Myers", 229895), ("Long", 229374), ("Ross", 229368), ("Foster", 227764), ("Jimenez", 227118),
        ("Powell", 224016), ("Jenkins", 220897), ("Perry", 220161), ("Russell", 218099), ("Sullivan", 216023),
        ("Bell", 215702), ("Coleman", 213450), ("Butler", 210879), ("Henderson", 210094), ("Barnes", 208779),
        ("Gonzales", 204979), ("Fisher", 202568), ("Vasquez", 201968), ("Simmons", 200681), ("Romero", 199434),
        ("Jordan", 199126), ("Patterson", 196920), ("Alexander", 196818), ("Hamilton", 196286), ("Graham", 195979),
        ("Reynolds", 195606), ("Griffin", 194957), ("Wallace", 194418), ("Moreno", 192865), ("West", 191900),
        ("Cole", 191441), ("Hayes", 191341), ("Bryant", 190986), ("Herrera", 190539), ("Gibson", 190393),
        ("Ellis", 189884), ("Tran", 189718), ("Medina", 188941), ("Aguilar", 188650), ("Stevens", 187696),
        ("Murray", 187532), ("Ford", 187026), ("Castro", 186935), ("Marshall", 186822), ("Owens", 186765),
        ("Harrison", 186210), ("Fernandez", 185909), ("McDonald", 184994), ("Woods", 184800), ("Washington", 177386),
        ("Kennedy", 177373), ("Wells", 176603), ("Vargas", 176214), ("Henry", 175939), ("Chen", 174433),
        ("Freeman", 173932), ("Webb", 173700), ("Tucker", 172643), ("Guzman", 172541), ("Burns", 172314),
        ("Crawford", 171843), ("Olson", 171624), ("Simpson", 170963), ("Porter", 170909), ("Hunter", 170735),
        ("Gordon", 170712), ("Mendez", 170619), ("Silva", 170232), ("Shaw", 169942), ("Snyder", 169832),
        ("Mason", 168816), ("Dixon", 168557), ("Munoz", 168390), ("Hunt", 167838), ("Hicks", 167565),
        ("Holmes", 167484), ("Palmer", 166991), ("Wagner", 166836), ("Black", 166537), ("Robertson", 165857),
        ("Boyd", 165769), ("Rose", 165577), ("Stone", 165086), ("Salazar", 164948), ("Fox", 164709),
        ("Warren", 164526), ("Mills", 164278), ("Meyer", 163939), ("Rice", 163635), ("Schmidt", 163507),
        ("Garza", 163465), ("Daniels", 162848), ("Ferguson", 162534), ("Nichols", 162208), ("Stephens", 161767),
        ("Soto", 161616), ("Weaver", 160905), ("Ryan", 160597), ("Gardner", 160528), ("Payne", 160483),
        ("Grant", 159979), ("Dunn", 159684), ("Kelley", 159359), ("Spencer", 158980), ("Hawkins", 158736),
        ("Arnold", 158480), ("Pierce", 157991), ("Vazquez", 157875), ("Hansen", 157584), ("Peters", 157508),
        ("Santos", 157464), ("Hart", 156734), ("Bradley", 156699), ("Knight", 155912), ("Elliott", 155863),
        ("Cunningham", 155825), ("Duncan", 155785), ("Armstrong", 155737), ("Hudson", 155532), ("Carroll", 155453),
        ("Lane", 155294), ("Riley", 154960), ("Andrews", 154702), ("Alvarado", 153928), ("Ray", 153889),
        ("Delgado", 153630), ("Berry", 153535), ("Perkins", 153466), ("Hoffman", 153353), ("Johnston", 153314),
        ("Matthews", 153210), ("Pena", 152875), ("Richards", 152604), ("Contreras", 152470), ("Willis", 152430),
        ("Carpenter", 151944), ("Lawrence", 151777), ("Sandoval", 151600), ("Guerrero", 150897), ("George", 150728),
        ("Chapman", 150722), ("Rios", 150686), ("Estrada", 150591), ("Ortega", 149861), ("Watkins", 149649),
        ("Greene", 149434), ("Nunez", 149295), ("Wheeler", 149114), ("Valdez", 149111), ("Harper", 148969),
        ("O'Brien", 92000), ("O'Connor", 80000), ("McCarthy", 90000), ("Schneider", 98000), ("Fitzgerald", 68000),
        ("Nakamura", 14000), ("Kowalski", 30000), ("Kowalczyk", 9000), ("Nowak", 16000), ("Wisniewski", 15000),
        ("Przybylski", 3600), ("Szczepanski", 4100), ("Van der Berg", 1200), ("De la Cruz", 42000), ("Del Rosario", 17000),
        ("St. John", 6000), ("Abernathy", 11000), ("Castellanos", 24000), ("Oyelaran", 300), ("Vuković", 400),
        ("Nakashima", 5000), ("Yamamoto", 18000), ("Okafor", 6500), ("Haddad", 9000), ("Kaczmarek", 6000),
        ("Rosenberg", 22000), ("Goldstein", 21000), ("Katz", 26000), ("Schwartz", 57000), ("Friedman", 37000),
        ("Nguyen-Tran", 300), ("Lindqvist", 900), ("Gallagher", 64000), ("MacLeod", 9000), ("Dubois", 14000),
        ("Papadopoulos", 9000), ("Kuznetsov", 1500), ("Oconnell", 2000), ("Abdullah", 9000), ("Ferreira", 15000),
    ];

    public static readonly (string Name, int Count)[] MaleGiven =
    [
        ("James", 4800000), ("John", 4500000), ("Robert", 4400000), ("Michael", 4300000), ("William", 3600000),
        ("David", 3600000), ("Richard", 2500000), ("Joseph", 2600000), ("Thomas", 2300000), ("Charles", 2300000),
        ("Christopher", 2000000), ("Daniel", 1900000), ("Matthew", 1600000), ("Anthony", 1400000), ("Mark", 1300000),
        ("Donald", 1300000), ("Steven", 1300000), ("Paul", 1200000), ("Andrew", 1200000), ("Joshua", 1200000),
        ("Kenneth", 1100000), ("Kevin", 1100000), ("Brian", 1100000), ("George", 1400000), ("Timothy", 1100000),
        ("Ronald", 1100000), ("Edward", 1000000), ("Jason", 1000000), ("Jeffrey", 980000), ("Ryan", 950000),
        ("Jacob", 940000), ("Gary", 900000), ("Nicholas", 920000), ("Eric", 880000), ("Jonathan", 800000),
        ("Stephen", 840000), ("Larry", 800000), ("Justin", 780000), ("Scott", 760000), ("Brandon", 750000),
        ("Benjamin", 750000), ("Samuel", 720000), ("Gregory", 700000), ("Alexander", 700000), ("Frank", 680000),
        ("Patrick", 670000), ("Raymond", 660000), ("Jack", 650000), ("Dennis", 630000), ("Jerry", 620000),
        ("Tyler", 600000), ("Aaron", 590000), ("Jose", 580000), ("Henry", 550000), ("Adam", 550000),
        ("Douglas", 550000), ("Nathan", 520000), ("Peter", 520000), ("Zachary", 510000), ("Kyle", 500000),
        ("Walter", 500000), ("Harold", 470000), ("Jeremy", 460000), ("Ethan", 450000), ("Carl", 450000),
        ("Keith", 450000), ("Roger", 440000), ("Gerald", 440000), ("Christian", 440000), ("Terry", 430000),
        ("Sean", 430000), ("Arthur", 420000), ("Austin", 420000), ("Noah", 420000), ("Lawrence", 410000),
        ("Jesse", 410000), ("Joe", 400000), ("Bryan", 400000), ("Billy", 390000), ("Jordan", 390000),
        ("Albert", 390000), ("Dylan", 380000), ("Bruce", 380000), ("Willie", 370000), ("Gabriel", 370000),
        ("Alan", 360000), ("Juan", 360000), ("Logan", 350000), ("Wayne", 350000), ("Ralph", 350000),
        ("Roy", 340000), ("Eugene", 340000), ("Randy", 340000), ("Vincent", 330000), ("Russell", 330000),
        ("Louis", 330000), ("Philip", 330000), ("Bobby", 330000), ("Johnny", 330000), ("Bradley", 320000),
        ("Mateusz", 3000), ("Oluwaseun", 1500), ("Thaddeus", 20000), ("Ignatius", 8000), ("Leopold", 6000),
    ];

    public static readonly (string Name, int Count)[] FemaleGiven =
    [
        ("Mary", 3200000), ("Patricia", 1600000), ("Jennifer", 1500000), ("Linda", 1450000), ("Elizabeth", 1630000),
        ("Barbara", 1400000), ("Susan", 1100000), ("Jessica", 1050000), ("Sarah", 1000000), ("Karen", 990000),
        ("Lisa", 970000), ("Nancy", 1000000), ("Betty", 1000000), ("Margaret", 1250000), ("Sandra", 870000),
        ("Ashley", 850000), ("Kimberly", 840000), ("Emily", 840000), ("Donna", 830000), ("Michelle", 810000),
        ("Carol", 800000), ("Amanda", 770000), ("Dorothy", 870000), ("Melissa", 750000), ("Deborah", 740000),
        ("Stephanie", 740000), ("Rebecca", 720000), ("Sharon", 720000), ("Laura", 720000), ("Cynthia", 710000),
        ("Kathleen", 690000), ("Amy", 690000), ("Angela", 660000), ("Shirley", 660000), ("Anna", 660000),
        ("Brenda", 610000), ("Pamela", 600000), ("Emma", 600000), ("Nicole", 600000), ("Helen", 600000),
        ("Samantha", 560000), ("Katherine", 550000), ("Christine", 540000), ("Debra", 530000), ("Rachel", 520000),
        ("Carolyn", 520000), ("Janet", 510000), ("Catherine", 510000), ("Maria", 500000), ("Heather", 500000),
        ("Diane", 490000), ("Ruth", 490000), ("Julie", 480000), ("Olivia", 480000), ("Joyce", 470000),
        ("Virginia", 470000), ("Victoria", 460000), ("Kelly", 460000), ("Lauren", 450000), ("Christina", 450000),
        ("Joan", 440000), ("Evelyn", 440000), ("Judith", 440000), ("Megan", 430000), ("Andrea", 430000),
        ("Cheryl", 420000), ("Hannah", 420000), ("Jacqueline", 410000), ("Martha", 410000), ("Gloria", 400000),
        ("Teresa", 400000), ("Ann", 400000), ("Sara", 390000), ("Madison", 390000), ("Frances", 390000),
        ("Kathryn", 380000), ("Janice", 380000), ("Jean", 380000), ("Abigail", 370000), ("Alice", 370000),
        ("Judy", 360000), ("Sophia", 360000), ("Grace", 360000), ("Denise", 360000), ("Amber", 350000),
        ("Doris", 350000), ("Marilyn", 350000), ("Danielle", 340000), ("Beverly", 340000), ("Isabella", 340000),
        ("Theresa", 340000), ("Diana", 330000), ("Natalie", 330000), ("Brittany", 330000), ("Charlotte", 330000),
        ("Marie", 330000), ("Kayla", 320000), ("Alexis", 320000), ("Lori", 320000), ("Siobhan", 9000),
        ("Agnieszka", 2500), ("Chidinma", 1200), ("Ottilie", 900), ("Philippa", 3000), ("Xiomara", 5000),
    ];

    /// <summary>Formal given name → the nicknames a registration clerk may be told instead (the engine resolves them).</summary>
    public static readonly Dictionary<string, string[]> Nicknames = new(StringComparer.Ordinal)
    {
        ["William"] = ["Bill", "Will", "Billy"], ["Robert"] = ["Bob", "Rob", "Bobby"], ["Richard"] = ["Dick", "Rick"],
        ["James"] = ["Jim", "Jimmy"], ["John"] = ["Jack", "Johnny"], ["Michael"] = ["Mike"], ["Joseph"] = ["Joe"],
        ["Thomas"] = ["Tom"], ["Charles"] = ["Chuck", "Charlie"], ["Christopher"] = ["Chris"], ["Daniel"] = ["Dan", "Danny"],
        ["Matthew"] = ["Matt"], ["Anthony"] = ["Tony"], ["Donald"] = ["Don"], ["Steven"] = ["Steve"], ["Andrew"] = ["Andy"],
        ["Kenneth"] = ["Ken"], ["Edward"] = ["Ed", "Ted"], ["Timothy"] = ["Tim"], ["Ronald"] = ["Ron"], ["Jeffrey"] = ["Jeff"],
        ["Nicholas"] = ["Nick"], ["Gregory"] = ["Greg"], ["Alexander"] = ["Alex"], ["Samuel"] = ["Sam"], ["Benjamin"] = ["Ben"],
        ["Patrick"] = ["Pat"], ["Lawrence"] = ["Larry"], ["Margaret"] = ["Peggy", "Maggie", "Meg"],
        ["Elizabeth"] = ["Liz", "Beth", "Betty"], ["Patricia"] = ["Patty", "Trish"], ["Jennifer"] = ["Jen", "Jenny"],
        ["Katherine"] = ["Kate", "Kathy"], ["Catherine"] = ["Cathy"], ["Deborah"] = ["Debbie"], ["Susan"] = ["Sue"],
        ["Barbara"] = ["Barb"], ["Rebecca"] = ["Becky"], ["Victoria"] = ["Vicky"], ["Dorothy"] = ["Dot"],
        ["Abigail"] = ["Abby"], ["Samantha"] = ["Sam"], ["Judith"] = ["Judy"], ["Kimberly"] = ["Kim"], ["Pamela"] = ["Pam"],
        ["Cynthia"] = ["Cindy"],
    };

    public static readonly string[] Streets =
    [
        "Main", "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park", "Church", "High", "Walnut",
        "Chestnut", "Spring", "North", "Ridge", "Mill", "Franklin", "Lincoln", "Jefferson", "Madison", "Center", "Sunset",
        "Highland", "Willow", "Meadow", "Forest", "River", "Cherry", "Dogwood", "Sycamore", "Hickory", "Magnolia",
        "Prospect", "Pleasant", "Union", "Broad", "Market", "School", "Summit", "Valley", "Woodland", "Birch", "Laurel",
        "Adams", "Jackson", "Monroe", "Grant", "Harrison", "Cleveland", "Quincy", "Beacon", "Dietrich", "Orchard",
    ];

    /// <summary>Street suffixes as written in full and as abbreviated: one person's two records may use either.</summary>
    public static readonly (string Full, string Short)[] Suffixes =
    [
        ("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Drive", "Dr"), ("Lane", "Ln"), ("Court", "Ct"),
        ("Boulevard", "Blvd"), ("Place", "Pl"), ("Terrace", "Ter"), ("Way", "Way"),
    ];

    public static readonly (string City, string State, string Zip, string Area)[] Cities =
    [
        ("Boston", "MA", "02118", "617"), ("Worcester", "MA", "01604", "508"), ("Springfield", "MA", "01109", "413"),
        ("Cambridge", "MA", "02139", "617"), ("Lowell", "MA", "01852", "978"), ("Brockton", "MA", "02301", "508"),
        ("Quincy", "MA", "02169", "617"), ("Lynn", "MA", "01902", "781"), ("New Bedford", "MA", "02740", "508"),
        ("Fall River", "MA", "02720", "508"), ("Newton", "MA", "02458", "617"), ("Somerville", "MA", "02143", "617"),
        ("Framingham", "MA", "01701", "508"), ("Haverhill", "MA", "01830", "978"), ("Waltham", "MA", "02453", "781"),
        ("Malden", "MA", "02148", "781"), ("Brookline", "MA", "02446", "617"), ("Plymouth", "MA", "02360", "508"),
        ("Medford", "MA", "02155", "781"), ("Taunton", "MA", "02780", "508"), ("Chicopee", "MA", "01020", "413"),
        ("Weymouth", "MA", "02188", "781"), ("Revere", "MA", "02151", "781"), ("Peabody", "MA", "01960", "978"),
        ("Methuen", "MA", "01844", "978"), ("Barnstable", "MA", "02630", "508"), ("Pittsfield", "MA", "01201", "413"),
        ("Attleboro", "MA", "02703", "508"), ("Arlington", "MA", "02474", "781"), ("Everett", "MA", "02149", "617"),
        ("Salem", "MA", "01970", "978"), ("Westfield", "MA", "01085", "413"), ("Leominster", "MA", "01453", "978"),
        ("Fitchburg", "MA", "01420", "978"), ("Beverly", "MA", "01915", "978"), ("Holyoke", "MA", "01040", "413"),
        ("Marlborough", "MA", "01752", "508"), ("Woburn", "MA", "01801", "781"), ("Chelsea", "MA", "02150", "617"),
        ("Providence", "RI", "02903", "401"), ("Warwick", "RI", "02886", "401"), ("Nashua", "NH", "03060", "603"),
        ("Manchester", "NH", "03101", "603"), ("Hartford", "CT", "06103", "860"), ("Pocasset", "MA", "02559", "508"),
    ];

    public static readonly string[] EmailDomains = ["gmail.com", "yahoo.com", "outlook.com", "aol.com", "icloud.com", "comcast.net", "hotmail.com"];

    private static readonly string[] Onsets = ["b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "j", "k", "kr", "l", "m", "n", "p", "pr", "r", "s", "sh", "st", "t", "tr", "v", "w", "z"];
    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "au", "ei", "ou", "y"];
    private static readonly string[] Codas = ["", "n", "r", "l", "s", "t", "ck", "m", "nd", "rt", "ll", "sk", "wicz", "berg", "stein", "ton", "ley", "man", "ez", "ski"];

    /// <summary>
    /// The long tail: <paramref name="count"/> made-up surnames (onset-vowel-coda syllables, deterministic from the seed)
    /// whose weights fall as 1/(rank + 50), scaled so that the tail holds <paramref name="share"/> of all people.
    /// </summary>
    public static (string Name, int Count)[] SurnamesWithTail(int count, double share, int seed)
    {
        var random = new Random(seed);
        var head = Surnames.Sum(s => (long)s.Count);
        var seen = new HashSet<string>(Surnames.Select(s => s.Name), StringComparer.OrdinalIgnoreCase);
        var tail = new List<string>(count);
        while (tail.Count < count)
        {
            var syllables = random.Next(2, 4);
            var name = string.Concat(Enumerable.Range(0, syllables).Select(i => Onsets[random.Next(Onsets.Length)] + Vowels[random.Next(Vowels.Length)]))
                + Codas[random.Next(Codas.Length)];
            name = char.ToUpperInvariant(name[0]) + name[1..];
            if (seen.Add(name))
            {
                tail.Add(name);
            }
        }

        var harmonic = Enumerable.Range(0, count).Sum(i => 1.0 / (i + 50));
        var total = head * share / (1 - share);
        return [.. Surnames, .. tail.Select((n, i) => (n, Math.Max(1, (int)(total / harmonic / (i + 50)))))];
    }
}
