import Foundation
import Testing
@testable import Basketball

@Suite struct GroundingTests {
  let facts = GroundingFacts(
    numbers: [
      GroundingFact(label: "LDN points", value: 75, decimals: 0),
      GroundingFact(label: "VIL points", value: 73, decimals: 0),
      GroundingFact(label: "LDN TOV%", value: 18.5, decimals: 1, isPercent: true),
      GroundingFact(label: "net", value: -2.8, decimals: 1),
      GroundingFact(label: "attendance", value: 1234, decimals: 0),
      GroundingFact(label: "N. Woolfolk +/-", value: -5, decimals: 0),
    ],
    names: ["N. Woolfolk", "E. Akhator", "LANDERNEAU BRETAGNE BASKET HN", "ESB VILLENEUVE D'ASCQ LILLE METROPOLE", "Floc'h Inizan"])

  @Test func groundedEnglishAndFrenchTextsAreAccepted() {
    let checker = GroundingChecker(facts: facts)
    let en = "Landerneau beat Villeneuve 75-73. N. Woolfolk (+/- -5) led the way, but the TOV% of 18.5 % must drop; net rating -2.8 for Villeneuve D'Ascq. 1,234 fans."
    #expect(checker.check(en).accepted, "\(checker.check(en).problems)")
    let fr = "Landerneau s'impose 75–73 face à Villeneuve. Le TOV% de 18,5 % doit baisser ; écart net de −2,8. N. Woolfolk termine à −5. 1 234 spectateurs."
    #expect(checker.check(fr).accepted, "\(checker.check(fr).problems)")
    // Rounding shown by the text: 19 % is 18.5 % rounded to units; identifiers and small counts are skipped.
    #expect(checker.check("A TOV% near 19 % in Q4 and OT1; top 3 priorities for #13.").accepted)
  }

  @Test func inventedNumbersAreRejected() {
    let checker = GroundingChecker(facts: facts)
    let v = checker.check("Landerneau turned the ball over on 27.3 % of possessions.")
    #expect(!v.accepted)
    #expect(v.problems == ["number 27.3 % is not in the facts"])
    #expect(!checker.check("TOV% of 18.4 %").accepted)  // 18.4 is not 18.5 at the precision shown
    #expect(!checker.check("Le TOV% de 18,4 %").accepted)
    #expect(!checker.check("They scored 76 points.").accepted)
    #expect(!checker.check("Attendance 75 %.").accepted)  // 75 is not a percentage fact
  }

  @Test func inventedNamesAreRejected() {
    let checker = GroundingChecker(facts: facts)
    #expect(!checker.check("M. Dupont scored 75.").accepted)
    #expect(!checker.check("The key player was Marie Dupont.").accepted)
    #expect(!checker.check("Landerneau relied on Dupont in the paint.").accepted)
    #expect(checker.check("Strong defence from E. Akhator and Floc'h Inizan.").accepted)
    let v = checker.check("Sarah Connor scored 75.")
    #expect(v.problems == ["unknown name Sarah Connor"])
  }

  @Test func numberParsing() {
    let n = GroundingChecker.numbers(in: "eFG% 52.6 %, +2.8, -5, 1,234 and 18,5 % in Q4 (24–16) 3P%")
    #expect(n.map(\.text) == ["52.6 %", "+2.8", "-5", "1,234", "18,5 %", "24", "16"])
    #expect(n[0].isPercent && n[0].values == [52.6])
    #expect(n[2].values == [-5])
    #expect(n[3].values == [1234, 1.234])
  }
}
