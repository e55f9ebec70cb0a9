import Testing
import WorkbookModel

@Suite("redaction of credentials")
struct RedactionTests {
  @Test func passwordsInURLsAreMasked() {
    #expect(Redaction.redact("http://user:SECRET@host:5000/path") == "http://user:***@host:5000/path")
    #expect(Redaction.redact("--param tracking_uri=https://a:b@h --param x=1") == "--param tracking_uri=https://a:***@h --param x=1")
    // A user without a password, or no user at all: nothing to hide.
    #expect(Redaction.redact("https://user@host/x") == "https://user@host/x")
    #expect(Redaction.redact("mlruns") == "mlruns")
    #expect(Redaction.redact("ftp://h/p?q=1#f") == "ftp://h/p?q=1#f")
  }

  @Test func secretQueryParametersAreMasked() {
    #expect(Redaction.redact("https://h/f.csv?token=abc&season=2004") == "https://h/f.csv?token=***&season=2004")
    #expect(Redaction.redact("https://h/?api_key=k1&X-Amz-Signature=s#top") == "https://h/?api_key=***&X-Amz-Signature=***#top")
    #expect(Redaction.redact("two: http://u:p@a and http://h/?access_token=t") == "two: http://u:***@a and http://h/?access_token=***")
  }

  @Test func redactionIsIdempotentAndDetectable() {
    let once = Redaction.redact("http://u:p@h/?token=t")
    #expect(Redaction.redact(once) == once)
    #expect(Redaction.isMasked(once))
    #expect(!Redaction.isMasked("http://h/?season=2004"))
  }

  @Test func jsonValuesAreRedactedRecursively() {
    let value: JSONValue = .object(["uri": .string("http://u:p@h"), "list": .array([.string("https://h/?token=x"), .int(3)])])
    #expect(Redaction.redact(value) == .object(["uri": .string("http://u:***@h"), "list": .array([.string("https://h/?token=***"), .int(3)])]))
  }
}
