using HimPortal.Application.Common;

namespace HimPortal.Application.Compliance;

public static class ComplianceErrors
{
    public static readonly Error OwnAccess = new(ErrorKind.Invalid, "own-access",
        "This is about your own access: another reviewer must disposition it (a reviewer never reviews themselves).");
}
