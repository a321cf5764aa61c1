using HimPortal.Application.Clinical.Values;

namespace HimPortal.Tests.Clinical.Values;

/// <summary>Note text rendered from Markdown and sanitised after rendering: formatting shows, nothing imported can run.</summary>
public sealed class NoteHtmlTests
{
    [Fact]
    public void Markdown_becomes_formatting_with_headings_below_the_page_s_own()
    {
        var html = NoteHtml.Render("""
            2021-05-01

            # Chief Complaint
            No complaints.

            ## Plan
            The patient was placed on a careplan:
            - routine antenatal care
            - **folic acid** daily
            """);

        html.ShouldContain("<h3>Chief Complaint</h3>");
        html.ShouldContain("<h4>Plan</h4>");
        html.ShouldContain("<li>routine antenatal care</li>");
        html.ShouldContain("<strong>folic acid</strong>");
        html.ShouldNotContain("# Chief");
    }

    [Fact]
    public void A_line_break_typed_in_a_note_stays_a_line_break()
    {
        NoteHtml.Render("Metformin 500 mg\nLisinopril 10 mg").ShouldBe("<p>Metformin 500 mg<br>\nLisinopril 10 mg</p>\n");
    }

    [Theory]
    [InlineData("<script>alert('x')</script>Visit summary")]
    [InlineData("<ScRiPt src=\"https://evil.example/x.js\"></ScRiPt>Visit summary")]
    [InlineData("<img src=x onerror=\"alert('x')\">Visit summary")]
    [InlineData("<svg onload=\"alert('x')\"><circle/></svg>Visit summary")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>Visit summary")]
    [InlineData("<style>body { display: none }</style>Visit summary")]
    [InlineData("<form action=\"https://evil.example\"><input name=p></form>Visit summary")]
    [InlineData("<object data=\"x.swf\"></object>Visit summary")]
    public void Nothing_in_a_note_can_run_load_or_restyle_the_page(string note)
    {
        var html = NoteHtml.Render(note);

        html.ShouldContain("Visit summary");
        foreach (var forbidden in new[] { "<script", "<img", "<svg", "<iframe", "<style", "<form", "<input", "<object", "onerror", "onload", "alert", "evil", "display" })
            html.ShouldNotContain(forbidden, Case.Insensitive);
    }

    [Theory]
    [InlineData("[results](javascript:alert('x'))")]
    [InlineData("[results](JaVaScRiPt:alert('x'))")]
    [InlineData("<a href=\"javascript:alert('x')\">results</a>")]
    [InlineData("<a href=\"java&#x09;script:alert('x')\">results</a>")]
    [InlineData("[results](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    [InlineData("[results](vbscript:msgbox)")]
    [InlineData("[results](/Administration/Users)")]
    public void A_link_that_could_run_or_act_inside_the_portal_loses_its_target_and_keeps_its_words(string note)
    {
        var html = NoteHtml.Render(note);

        html.ShouldContain("results");
        html.ShouldNotContain("href", Case.Insensitive);
        html.ShouldNotContain("script:", Case.Insensitive);
    }

    [Fact]
    public void A_web_link_stays_and_tells_the_other_site_nothing()
    {
        var html = NoteHtml.Render("See [the guideline](https://www.ahajournals.org/doi/10.1161/HYP.0000000000000065).");

        html.ShouldContain("href=\"https://www.ahajournals.org/doi/10.1161/HYP.0000000000000065\"");
        html.ShouldContain("rel=\"noopener noreferrer nofollow\"");
    }

    [Fact]
    public void Raw_html_keeps_its_formatting_and_words_and_loses_handlers_styles_classes_and_ids()
    {
        var html = NoteHtml.Render("<div id=\"main\" class=\"x\" style=\"position:fixed\" onclick=\"steal()\"><b>Allergic</b> to <font color=red>penicillin</font></div>");

        html.ShouldContain("<b>Allergic</b>");
        html.ShouldContain("penicillin");
        foreach (var forbidden in new[] { "onclick", "steal", "style", "class", "id=", "<font", "position" })
            html.ShouldNotContain(forbidden, Case.Insensitive);
    }

    [Fact]
    public void No_text_renders_nothing()
    {
        NoteHtml.Render(null).ShouldBe("");
        NoteHtml.Render("  \n").ShouldBe("");
    }
}
