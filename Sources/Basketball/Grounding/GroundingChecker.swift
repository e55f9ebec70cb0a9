import Foundation

/// Rejects generated text that states a number absent from the facts or names a person or team that is not real.
///
/// Numbers (see docs/coaching.md): every number in the text is parsed — decimal point or French decimal comma,
/// thousands separators ("1,234" in English, "1 234" in French), signs ("+5", "-5", "−5"), a following "%" —
/// and must equal some fact within the rounding the *text* shows (|x − fact| ≤ ½·10^−decimals): "19 %" matches
/// a fact 18.5 %, "18.4 %" does not. A number with "%" only matches percentage facts; signs may be dropped
/// ("a 2.8-point deficit" for −2.8). Skipped as identifiers: digits glued to letters or "#" ("Q4", "OT1", "3P%",
/// "#13"), units after a letter and "/" ("pts/40"), small counts 0…3 written without decimals or "%" ("top 3"), and digits inside a real name ("BASKET 49").
/// Names: "X. Family" patterns must be a real player (initial + family name); other runs of capitalised words must
/// consist of words from the real names (players, teams, coaches) or of the common-word/metric allow-list;
/// a lone unknown capitalised word at the start of a sentence is tolerated (it is usually an ordinary word).
public struct GroundingChecker: Sendable {
  public var facts: GroundingFacts
  /// Integers allowed without a matching fact (written without decimals or "%").
  public var freeIntegers: ClosedRange<Int>
  /// Extra capitalised words to accept (folded to upper case without accents).
  public var allowedWords: Set<String>

  public init(facts: GroundingFacts, freeIntegers: ClosedRange<Int> = 0...3, allowedWords: Set<String> = []) {
    self.facts = facts
    self.freeIntegers = freeIntegers
    self.allowedWords = Set(allowedWords.map(Self.fold))
  }

  static func fold(_ s: String) -> String {
    s.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX")).uppercased()
      .replacingOccurrences(of: "’", with: "'")
  }

  /// A number found in the text.
  struct FoundNumber: Equatable {
    var values: [Double]  // candidate readings (e.g. "1,234" is 1234 in English, 1.234 in French)
    var decimals: [Int]
    var isPercent: Bool
    var text: String
    var isInteger: Bool
  }

  public func check(_ text: String) -> GroundingVerdict {
    var problems: [String] = []
    // Names that contain digits ("… BASKET 49") are removed before numbers are read.
    var numeric = text
    for name in facts.names where name.contains(where: { $0.isNumber }) {
      numeric = numeric.replacingOccurrences(of: name, with: "Name", options: [.caseInsensitive])
    }
    for n in Self.numbers(in: numeric) where !isGrounded(n) {
      problems.append("number \(n.text) is not in the facts")
    }
    problems += nameProblems(text)
    return GroundingVerdict(accepted: problems.isEmpty, problems: problems)
  }

  func isGrounded(_ n: FoundNumber) -> Bool {
    if n.isInteger, !n.isPercent, let v = n.values.first, v >= Double(freeIntegers.lowerBound), v <= Double(freeIntegers.upperBound),
       v == v.rounded() { return true }
    for (v, d) in zip(n.values, n.decimals) {
      let tolerance = 0.5 * pow(10, -Double(d)) + 1e-9
      for f in facts.numbers {
        if n.isPercent && !f.isPercent { continue }
        if abs(f.value - v) <= tolerance || abs(abs(f.value) - abs(v)) <= tolerance { return true }
      }
    }
    return false
  }

  static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
  static let spaces: Set<Character> = [" ", "\u{00A0}", "\u{202F}", "\u{2009}"]

  /// Every number of `text`, identifiers (digits glued to letters or "#") excluded.
  static func numbers(in text: String) -> [FoundNumber] {
    let chars = Array(text)
    var out: [FoundNumber] = []
    var i = 0
    while i < chars.count {
      guard isDigit(chars[i]) else { i += 1; continue }
      let start = i
      // Identifier check (preceded by a letter or '#').
      let glued = start > 0 && (chars[start - 1].isLetter || chars[start - 1] == "#" || chars[start - 1] == "_"
        || (chars[start - 1] == "/" && start > 1 && chars[start - 2].isLetter))  // units such as "pts/40"
      var intPart = ""
      while i < chars.count, isDigit(chars[i]) { intPart.append(chars[i]); i += 1 }
      var readings: [(String, String)] = []  // (integer digits, fraction digits)
      var consumedEnd = i
      // French thousands: "1 234" (1–3 digits then space then exactly 3 digits).
      var frenchInt = intPart
      var j = i
      while intPart.count <= 3, j + 3 < chars.count, spaces.contains(chars[j]),
            isDigit(chars[j + 1]), isDigit(chars[j + 2]), isDigit(chars[j + 3]),
            j + 4 >= chars.count || !isDigit(chars[j + 4]) {
        frenchInt += String(chars[(j + 1)...(j + 3)])
        j += 4
      }
      if i < chars.count, chars[i] == "." || chars[i] == ",", i + 1 < chars.count, isDigit(chars[i + 1]) {
        let sep = chars[i]
        var k = i + 1
        var frac = ""
        while k < chars.count, isDigit(chars[k]) { frac.append(chars[k]); k += 1 }
        if sep == "," && frac.count == 3 {
          // English thousands separator or French decimal: keep both readings.
          readings.append((intPart + frac, ""))
          readings.append((intPart, frac))
        } else {
          readings.append((intPart, frac))
        }
        consumedEnd = k
      } else if frenchInt != intPart {
        readings.append((frenchInt, ""))
        readings.append((intPart, ""))
        consumedEnd = j
      } else {
        readings.append((intPart, ""))
      }
      i = consumedEnd
      let gluedAfter = i < chars.count && (chars[i].isLetter || chars[i] == "_")
      if glued || gluedAfter {
        while i < chars.count, chars[i].isLetter || isDigit(chars[i]) { i += 1 }
        continue
      }
      // Sign: '-', '−' or '+' right before, itself preceded by start, space or '('.
      var negative = false, signText = ""
      if start > 0, chars[start - 1] == "-" || chars[start - 1] == "−" || chars[start - 1] == "+" {
        let before: Character? = start > 1 ? chars[start - 2] : nil
        if let b = before, !(spaces.contains(b) || b == "(" || b == "\n" || b == "/") {
          // glued to a word or a digit ("75-73", "x-5"): a dash, not a sign
        } else {
          negative = chars[start - 1] != "+"
          signText = negative ? "-" : "+"
        }
      }
      var k = i
      while k < chars.count, spaces.contains(chars[k]) { k += 1 }
      let percent = k < chars.count && chars[k] == "%"
      if percent { i = k + 1 }
      var values: [Double] = [], decimals: [Int] = []
      for (ip, fp) in readings {
        guard let v = Double(fp.isEmpty ? ip : ip + "." + fp) else { continue }
        values.append(negative ? -v : v)
        decimals.append(fp.count)
      }
      let shown = String(chars[start..<min(i, chars.count)])
      out.append(FoundNumber(values: values, decimals: decimals, isPercent: percent,
                             text: signText + shown, isInteger: readings.first?.1.isEmpty ?? true))
    }
    return out
  }

  /// Words of a name, folded (hyphenated words also contribute their parts).
  static func nameWords(_ name: String) -> [String] {
    var result: [String] = []
    for w in words(in: name) {
      let f = fold(w.text)
      result.append(f)
      if f.contains("-") { result += f.split(separator: "-").map(String.init) }
      if f.contains("'") { result += f.split(separator: "'").map(String.init) }
    }
    return result
  }

  struct Word {
    var text: String
    var start: Int, end: Int  // character offsets
  }

  /// Letter runs with inner apostrophes or hyphens ("Floc'h", "Saint-Amand", "D'ASCQ").
  static func words(in text: String) -> [Word] {
    let chars = Array(text)
    var out: [Word] = []
    var i = 0
    while i < chars.count {
      guard chars[i].isLetter else { i += 1; continue }
      let s = i
      while i < chars.count {
        if chars[i].isLetter { i += 1; continue }
        if chars[i] == "'" || chars[i] == "’" || chars[i] == "-", i + 1 < chars.count, chars[i + 1].isLetter { i += 1; continue }
        break
      }
      out.append(Word(text: String(chars[s..<i]), start: s, end: i))
    }
    return out
  }

  func nameProblems(_ text: String) -> [String] {
    let chars = Array(text)
    var known = Set<String>()
    var initials = Set<String>()
    for name in facts.names {
      let ws = Self.nameWords(name)
      known.formUnion(ws)
      let parts = Self.words(in: name).map { Self.fold($0.text) }
      // "S. Ygueravide Viana": the initial may be followed by any of the family-name words.
      if let first = parts.first, parts.count >= 2, let initial = first.first {
        for w in parts.dropFirst() { initials.insert("\(initial)|\(w)") }
      }
    }
    let allowed = Self.commonWords.union(allowedWords)
    let words = Self.words(in: text)
    var problems: [String] = []
    var consumed = Set<Int>()
    // (a) "X. Family" patterns.
    for (idx, w) in words.enumerated() where w.text.count == 1 && w.text.first?.isUppercase == true {
      guard w.end < chars.count, chars[w.end] == ".", idx + 1 < words.count else { continue }
      let next = words[idx + 1]
      let gap = String(chars[(w.end + 1)..<next.start])
      guard gap.allSatisfy({ Self.spaces.contains($0) }), gap.count <= 1, next.text.first?.isUppercase == true else { continue }
      consumed.insert(idx); consumed.insert(idx + 1)
      let key = "\(Self.fold(w.text))|\(Self.fold(next.text))"
      if !initials.contains(key) { problems.append("unknown player \(w.text). \(next.text)") }
    }
    // (b) runs of capitalised words.
    var idx = 0
    while idx < words.count {
      guard !consumed.contains(idx), words[idx].text.first?.isUppercase == true else { idx += 1; continue }
      var run = [idx]
      var k = idx + 1
      while k < words.count, !consumed.contains(k), words[k].text.first?.isUppercase == true {
        let gap = String(chars[words[k - 1].end..<words[k].start])
        guard gap.count <= 1, gap.allSatisfy({ Self.spaces.contains($0) }) else { break }
        run.append(k); k += 1
      }
      idx = k
      let unknown = run.filter { i in
        let f = Self.fold(words[i].text)
        if f.count <= 1 { return false }
        if known.contains(f) || allowed.contains(f) { return false }
        let parts = f.split(whereSeparator: { $0 == "-" || $0 == "'" }).map(String.init)
        return !parts.allSatisfy { $0.count <= 1 || known.contains($0) || allowed.contains($0) }
      }
      guard !unknown.isEmpty else { continue }
      if run.count == 1 && isSentenceStart(chars, at: words[run[0]].start) { continue }
      let phrase = run.map { words[$0].text }.joined(separator: " ")
      problems.append("unknown name \(phrase)")
    }
    return problems
  }

  func isSentenceStart(_ chars: [Character], at position: Int) -> Bool {
    var p = position - 1
    while p >= 0 {
      let c = chars[p]
      if Self.spaces.contains(c) || c == "\"" || c == "«" || c == "(" || c == "*" || c == "#" || c == "“" || c == "_" { p -= 1; continue }
      if c == "-" || c == "•" {  // bullet marker at line start
        var q = p - 1
        while q >= 0, Self.spaces.contains(chars[q]) { q -= 1 }
        if q < 0 || chars[q] == "\n" { return true }
        return false
      }
      return c == "." || c == "!" || c == "?" || c == ":" || c == "\n" || c == ";" || (c.isNumber && p + 1 < chars.count && chars[p + 1] == ".")
    }
    return true
  }

  /// Capitalised words that are not names: function words, report vocabulary, metric acronyms (en + fr), folded.
  static let commonWords: Set<String> = Set("""
    THE A AN IN ON AT OF FOR AND BUT OR WITH BY TO FROM THIS THAT THESE THOSE THEIR THEY SHE HE HER HIS IT ITS WE OUR
    YOU YOUR I AS AFTER BEFORE WHILE WHEN OVERALL ALSO BOTH EACH EVERY ALL NO NOT ONLY KEY TEAM TEAMS GAME MATCH FOUR
    FACTORS FACTOR SCORE NET RATING RATINGS OFFENSIVE DEFENSIVE OFFENCE OFFENSE DEFENCE DEFENSE QUARTER QUARTERS PERIOD
    OVERTIME BALL SECURITY SHOT SHOTS QUALITY SELECTION FREE THROW THROWS THREE POINT POINTS REBOUNDING REBOUNDS PLAYER
    PLAYERS FINDINGS FINDING POST MORTEM POSTMORTEM TRAINING RECOMMENDATIONS RECOMMENDATION RESULT WON LOST TIED BEST HARDEST
    LARGEST RUN MOST USED UNIT UNITS BENCH PAINT COLLECTIVE INDIVIDUAL COACH HOME AWAY SUMMARY NOTE FOCUS KEEP CUT RAISE
    IMPROVE STRENGTH STRENGTHS WEAKNESS WEAKNESSES LEAGUE AVERAGE FIRST SECOND THIRD FOURTH HALF HALF-COURT REPORT
    EFFICIENCY SCORING ATTACKING RIM DRAWING FOULS FOUL DECISION MAKING DISCIPLINE MOVEMENT HALF-COURT BOX-OUT BOX OUT
    SHOOTING FINISHING POSSESSIONS PACE MARGIN GOOD STRONG WEAK HIGH LOW POOR GREAT SOLID ROOM WORK PRACTICE DRILL DRILLS
    GOAL GOALS TARGET TARGETS NEXT OVER UNDER ABOVE BELOW PER MINUTES MINUTE PTS REB AST STL BLK TOV EFG ORB DRB PIR EFF
    PIE TS FT FG FGA FGM FTA FTM USG ORTG DRTG OT LF LFM TT MIN PF TO NBA FIBA LFB PPS GMSC GAME-SCORE ASSISTS TURNOVERS
    STEALS BLOCKS ZONE ZONES CORNER MID-RANGE RESTRICTED AREA BREAK LEFT RIGHT CENTER CENTRE BACK COURT MAKE RATE VS
    LE LA LES UN UNE DES DU DE D ET EN AU AUX SUR POUR AVEC DANS PAR CE CET CETTE CES SON SA SES LEUR LEURS ELLE IL ELLES
    ILS NOUS VOUS EQUIPE EQUIPES VICTOIRE DEFAITE EGALITE CONSTATS CONSTAT BILAN RECOMMANDATIONS RECOMMANDATION MEILLEURE
    MEILLEUR PERIODE PLUS GRANDE SERIE CINQ UTILISE EVALUATIONS RYTHME SECURITE BALLE QUALITE TIR TIRS REBOND DEFENSE
    ATTAQUE LANCERS FRANCS JOUEUSES JOUEURS JOUEUSE JOUEUR CLES CLE FORT FORTS FAIBLE FAIBLES MOYENNE LIGUE RAPPORT APRES
    COLLECTIF INDIVIDUEL ENTRAINEMENT ENTRAINEUR ENTRAINEUSE POINT POINTS RAQUETTE SECONDE CHANCE BANC CERCLE FAUTES
    FAUTE CIRCULATION PRISE DECISION SELECTION FINITION EFFICACITE OFFENSIVE DEFENSIVE COLLECTIVE PLACEE ECRAN RETARD
    MAINTENIR FAIRE PASSER LIMITER OBJECTIF SEUIL ECART CONTRE MATCH NOTRE NOS VOTRE VOS MAIS OU DONC CAR NI QUI QUE
    QUAND LORS PENDANT APRES AVANT TRES BIEN MAL BON BONNE
    """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
}
