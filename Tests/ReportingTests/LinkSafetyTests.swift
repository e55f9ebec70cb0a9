import Foundation
import Testing
@testable import Reporting

/// Links and attributes in both reports: only http(s), anchors and relative paths become live links, and no text
/// can leave the attribute or element it is written in.
@Suite struct LinkSafetyTests {
  static let unsafeTargets = [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>", "//evil.example/x", "file:///etc/passwd",
  ]

  @Test(arguments: unsafeTargets)
  func unsafeMarkdownLinksAreText(target: String) {
    let html = MarkdownSubset.html("see [the run](\(target)) here")
    #expect(!html.contains("<a "), "\(html)")
    #expect(html.contains("the run"))
  }

  @Test(arguments: unsafeTargets)
  func unsafeLinkBlocksAreTextInBothReports(target: String) {
    let doc = document([("n", [.link(text: "the run", target: target)])])
    let html = HTMLRenderer.render(doc)
    #expect(!html.lowercased().contains("script:"), "\(html)")
    #expect(!html.contains("href=\"\(htmlEscape(target))\""))
    #expect(html.contains("<p>the run</p>"))
    let markdown = MarkdownRenderer.render(doc)
    #expect(!markdown.contains("](\(target))"), "\(markdown)")
    #expect(markdown.contains("the run"))
  }

  @Test(arguments: unsafeTargets)
  func unsafeSectionLinksAreText(target: String) {
    var doc = document([("n", [.text("x")])])
    doc.sections[0].links = [("result.json", target)]
    let html = HTMLRenderer.render(doc)
    #expect(!html.contains("href=\"\(htmlEscape(target))\""), "\(html)")
    #expect(html.contains("<p class=\"links\">result.json</p>"))
  }

  @Test(arguments: ["https://mlflow.example/#/runs/1", "http://127.0.0.1:5000/x", "#cell-a", "cells/a/result.json"])
  func safeLinksStayLive(target: String) {
    #expect(MarkdownSubset.html("[x](\(target))").contains("<a href=\"\(htmlEscape(target))\">x</a>"))
    let html = HTMLRenderer.render(document([("n", [.link(text: "x", target: target)])]))
    #expect(html.contains("<a href=\"\(htmlEscape(target))\">x</a>"), "\(html)")
    #expect(MarkdownRenderer.render(document([("n", [.link(text: "x", target: target)])])).contains("[x](\(target))"))
  }

  /// A quote in a link target, a title or a table value cannot close the attribute and add an event handler.
  @Test func attributeInjectionIsEscaped() {
    let target = "https://a.example/\" onmouseover=\"alert(1)"
    let doc = document([("n", [.link(text: "x' onclick='alert(2)", target: target),
                               .table(caption: "\" onload=\"alert(3)", columns: ["c\"d"], rows: [["'><svg onload=alert(4)>"]], note: nil)])])
    let html = HTMLRenderer.render(doc)
    for injected in ["\" onmouseover=", "' onclick=", "\" onload=", "<svg onload"] {
      #expect(!html.contains(injected), "\(injected) in \(html)")
    }
    #expect(html.contains("href=\"https://a.example/&quot; onmouseover=&quot;alert(1)\""))
    #expect(MarkdownSubset.html("[x](https://a.example/\"onmouseover=\"alert(1))").contains("&quot;onmouseover=&quot;"))
  }

  /// A Markdown link target that would end the link early (a space or parenthesis) is not written as a link.
  @Test func markdownLinkTargetsCannotBreakOut() {
    let doc = document([("n", [.link(text: "run", target: "https://a.example/x) <img src=x onerror=alert(1)>")])])
    let markdown = MarkdownRenderer.render(doc)
    #expect(!markdown.contains("<img"), "\(markdown)")
    #expect(!markdown.contains("](https://a.example/x)"))
  }

  /// Inlined figures: SVG with script, a `javascript:` URL, a foreign object or an event handler is refused.
  @Test(arguments: [
    "<svg><script>alert(1)</script></svg>", "<svg><a xlink:href='JAVASCRIPT:alert(1)'/></svg>",
    "<svg><foreignObject><div/></foreignObject></svg>", "<svg><rect onload = 'alert(1)'/></svg>", "<svg ONCLICK=alert(1)></svg>",
  ])
  func unsafeSVGIsNotInlined(svg: String) {
    #expect(SVGScan.isUnsafe(Array(svg.utf8)))
  }

  @Test func plainGnuplotSVGIsInlined() {
    #expect(!SVGScan.isUnsafe(Array("<svg><g id='gnuplot_plot_1'><path d='M0 0'/><text>Shot zone</text></g></svg>".utf8)))
  }
}
