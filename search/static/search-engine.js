/*
 * minigluon docs search, in the browser: the ranking of search/query.py run on the index the
 * docs build exports (search/browser_index.py -> _static/search-data.js), so a site opened from
 * disk or a static host answers like the served one and like `python -m search`.
 *
 * The Python engine is the reference; this file follows it function by function (same names in
 * camelCase) and tests/search/test_browser_engine.py runs both on the query set and thousands of
 * generated queries, requiring the same results. Numbers and word lists come from the data
 * file (its `constants`), never from a copy here. Text is handled as Python does: `\w` is
 * letters, digits and "_" of any script; lengths and slices count code points.
 *
 * Works as a browser global (`MinigluonSearchEngine`) and as a Node.js module (the tests).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.MinigluonSearchEngine = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  const own = (obj, key) => (Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined);
  const chars = (s) => Array.from(s); // code points, as Python indexes strings
  const cpLength = (s) => {
    let n = 0;
    for (const _ of s) n++; // eslint-disable-line no-unused-vars
    return n;
  };

  // -- text analysis: search/text.py ------------------------------------------------------------

  const WORD = /[\p{L}\p{N}_]+/gu;
  // search/text.py _PART, with Python's Unicode \d (decimal digits) and [^\W\d_] (letters and
  // non-decimal numbers)
  const PART =
    /[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\p{Nd}+[A-Za-z](?![a-z])|\p{Nd}+|[\p{L}\p{Nl}\p{No}]+/gu;
  const ALNUM = /^[\p{L}\p{N}]$/u;
  const DOTTED = /^[A-Za-z_][\p{L}\p{N}_.]*$/u;
  // str.isspace(): what Python's str.strip() removes
  const PY_SPACE = new Set(
    chars("\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005" +
      "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"));

  function pyStrip(s, set = PY_SPACE) {
    const cs = chars(s);
    let a = 0;
    let b = cs.length;
    while (a < b && set.has(cs[a])) a++;
    while (b > a && set.has(cs[b - 1])) b--;
    return cs.slice(a, b).join("");
  }

  const isUpperChar = (c) => c !== c.toLowerCase() && c === c.toUpperCase();
  function isLower(s) { // str.islower(): some cased character, none uppercase
    return s === s.toLowerCase() && s !== s.toUpperCase();
  }
  const isDigits = (s) => /^\p{Nd}+$/u.test(s);

  class Text {
    constructor(constants) {
      this.c = constants;
      this.stopwords = new Set(constants.STOPWORDS);
      this.british = constants.BRITISH_PREFIXES;
      this.stemCache = new Map();
      this.splitCache = new Map();
    }

    queryWords(text) {
      const capped = chars(text).slice(0, this.c.MAX_QUERY_CHARS).join("");
      return (capped.match(WORD) || []).slice(0, this.c.MAX_QUERY_WORDS);
    }

    words(text) {
      return text.match(WORD) || [];
    }

    identifierParts(word) {
      return word.match(PART) || [];
    }

    splitIdentifier(word) {
      let parts = this.splitCache.get(word);
      if (parts === undefined) {
        parts = this.identifierParts(word).map((p) => p.toLowerCase());
        this.splitCache.set(word, parts);
      }
      return parts;
    }

    compact(name) {
      return this.splitIdentifier(name).join("");
    }

    normalize(word) {
      word = word.toLowerCase();
      for (const [british, american] of this.british) {
        if (word.startsWith(british)) return american + word.slice(british.length);
      }
      return word;
    }

    stem(word) {
      let s = this.stemCache.get(word);
      if (s === undefined) {
        s = englishStem(this.normalize(word));
        this.stemCache.set(word, s);
      }
      return s;
    }

    pairTerm(first, second) {
      return `${this.stem(first)}_${this.stem(second)}`;
    }

    trigrams(word) {
      const padded = chars(`^${word}$`);
      const out = [];
      for (let i = 0; i < padded.length - 2; i++) out.push(padded.slice(i, i + 3).join(""));
      return out;
    }
  }

  // -- Snowball English (Porter2) as whoosh.lang.snowball.english implements it ---------------

  const VOWELS = "aeiouy";
  const isVowel = (c) => c !== undefined && c !== "" && VOWELS.includes(c);
  const at = (s, i) => (i < 0 ? s[s.length + i] : s[i]);
  const inStr = (c, s) => c !== undefined && s.includes(c);
  const DOUBLES = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"];
  const LI_ENDING = "cdeghkmnrt";
  const STEP0 = ["'s'", "'s", "'"];
  const STEP1A = ["sses", "ied", "ies", "us", "ss", "s"];
  const STEP1B = ["eedly", "ingly", "edly", "eed", "ing", "ed"];
  const STEP2 = ["ization", "ational", "fulness", "ousness", "iveness", "tional", "biliti",
    "lessli", "entli", "ation", "alism", "aliti", "ousli", "iviti", "fulli", "enci", "anci",
    "abli", "izer", "ator", "alli", "bli", "ogi", "li"];
  const STEP3 = ["ational", "tional", "alize", "icate", "iciti", "ative", "ical", "ness", "ful"];
  const STEP4 = ["ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate",
    "iti", "ous", "ive", "ize", "ion", "al", "er", "ic"];
  const SPECIAL = {
    skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl",
    gently: "gentl", ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: "sky",
    news: "news", howe: "howe", atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes",
    inning: "inning", innings: "inning", outing: "outing", outings: "outing",
    canning: "canning", cannings: "canning", herring: "herring", herrings: "herring",
    earring: "earring", earrings: "earring", proceed: "proceed", proceeds: "proceed",
    proceeded: "proceed", proceeding: "proceed", exceed: "exceed", exceeds: "exceed",
    exceeded: "exceed", exceeding: "exceed", succeed: "succeed", succeeds: "succeed",
    succeeded: "succeed", succeeding: "succeed",
  };

  function r1r2Standard(word) {
    let r1 = "";
    let r2 = "";
    for (let i = 1; i < word.length; i++) {
      if (!isVowel(word[i]) && isVowel(word[i - 1])) {
        r1 = word.slice(i + 1);
        break;
      }
    }
    for (let i = 1; i < r1.length; i++) {
      if (!isVowel(r1[i]) && isVowel(r1[i - 1])) {
        r2 = r1.slice(i + 1);
        break;
      }
    }
    return [r1, r2];
  }

  function englishStem(input) {
    let word = input.toLowerCase();
    const special = own(SPECIAL, word);
    if (special !== undefined) return special;
    word = word.replace(/[\u2019\u2018\u201B]/g, "'");
    if (word.startsWith("'")) word = word.slice(1);
    if (word.startsWith("y")) word = "Y" + word.slice(1);
    for (let i = 1; i < word.length; i++) {
      if (isVowel(word[i - 1]) && word[i] === "y") word = word.slice(0, i) + "Y" + word.slice(i + 1);
    }
    let r1 = "";
    let r2 = "";
    if (word.startsWith("gener") || word.startsWith("commun") || word.startsWith("arsen")) {
      r1 = word.startsWith("gener") || word.startsWith("arsen") ? word.slice(5) : word.slice(6);
      for (let i = 1; i < r1.length; i++) {
        if (!isVowel(r1[i]) && isVowel(r1[i - 1])) {
          r2 = r1.slice(i + 1);
          break;
        }
      }
    } else {
      [r1, r2] = r1r2Standard(word);
    }
    const cut = (n) => {
      word = word.slice(0, -n);
      r1 = r1.slice(0, -n);
      r2 = r2.slice(0, -n);
    };
    // replace `suffix` by `repl` in word, r1 and r2 (a region too short becomes `short2` for r2)
    const swap = (suffix, repl, short2 = "") => {
      const n = suffix.length;
      word = word.slice(0, -n) + repl;
      r1 = r1.length >= n ? r1.slice(0, -n) + repl : "";
      r2 = r2.length >= n ? r2.slice(0, -n) + repl : short2;
    };

    for (const suffix of STEP0) {
      if (word.endsWith(suffix)) {
        cut(suffix.length);
        break;
      }
    }
    for (const suffix of STEP1A) {
      if (word.endsWith(suffix)) {
        if (suffix === "sses") cut(2);
        else if (suffix === "ied" || suffix === "ies") cut(word.slice(0, -suffix.length).length > 1 ? 2 : 1);
        else if (suffix === "s") {
          if ([...word.slice(0, -2)].some(isVowel)) cut(1);
        }
        break;
      }
    }
    for (const suffix of STEP1B) {
      if (word.endsWith(suffix)) {
        if (suffix === "eed" || suffix === "eedly") {
          if (r1.endsWith(suffix)) {
            const n = suffix.length;
            word = word.slice(0, -n) + "ee";
            r1 = r1.length >= n ? r1.slice(0, -n) + "ee" : "";
            r2 = r2.length >= n ? r2.slice(0, -n) + "ee" : "";
          }
        } else if ([...word.slice(0, -suffix.length)].some(isVowel)) {
          cut(suffix.length);
          if (word.endsWith("at") || word.endsWith("bl") || word.endsWith("iz")) {
            word += "e";
            r1 += "e";
            if (word.length > 5 || r1.length >= 3) r2 += "e";
          } else if (DOUBLES.some((d) => word.endsWith(d))) {
            cut(1);
          } else if (
            (r1 === "" && word.length >= 3 && !isVowel(at(word, -1)) && !inStr(at(word, -1), "wxY") &&
              isVowel(at(word, -2)) && !isVowel(at(word, -3))) ||
            (r1 === "" && word.length === 2 && isVowel(word[0]) && !isVowel(word[1]))
          ) {
            word += "e";
            if (r1.length > 0) r1 += "e";
            if (r2.length > 0) r2 += "e";
          }
        }
        break;
      }
    }
    if (word.length > 2 && inStr(at(word, -1), "yY") && !isVowel(at(word, -2))) {
      word = word.slice(0, -1) + "i";
      r1 = r1.length >= 1 ? r1.slice(0, -1) + "i" : "";
      r2 = r2.length >= 1 ? r2.slice(0, -1) + "i" : "";
    }
    for (const suffix of STEP2) {
      if (word.endsWith(suffix)) {
        if (r1.endsWith(suffix)) {
          if (suffix === "tional") cut(2);
          else if (suffix === "enci" || suffix === "anci" || suffix === "abli") swap("i", "e");
          else if (suffix === "entli") cut(2);
          else if (suffix === "izer" || suffix === "ization") swap(suffix, "ize");
          else if (suffix === "ational" || suffix === "ation" || suffix === "ator") swap(suffix, "ate", "e");
          else if (suffix === "alism" || suffix === "aliti" || suffix === "alli") swap(suffix, "al");
          else if (suffix === "fulness") cut(4);
          else if (suffix === "ousli" || suffix === "ousness") swap(suffix, "ous");
          else if (suffix === "iveness" || suffix === "iviti") swap(suffix, "ive", "e");
          else if (suffix === "biliti" || suffix === "bli") swap(suffix, "ble");
          else if (suffix === "ogi" && at(word, -4) === "l") cut(1);
          else if (suffix === "fulli" || suffix === "lessli") cut(2);
          else if (suffix === "li" && inStr(at(word, -3), LI_ENDING)) cut(2);
        }
        break;
      }
    }
    for (const suffix of STEP3) {
      if (word.endsWith(suffix)) {
        if (r1.endsWith(suffix)) {
          if (suffix === "tional") cut(2);
          else if (suffix === "ational") swap(suffix, "ate");
          else if (suffix === "alize") cut(3);
          else if (suffix === "icate" || suffix === "iciti" || suffix === "ical") swap(suffix, "ic");
          else if (suffix === "ful" || suffix === "ness") cut(suffix.length);
          else if (suffix === "ative" && r2.endsWith(suffix)) cut(5);
        }
        break;
      }
    }
    for (const suffix of STEP4) {
      if (word.endsWith(suffix)) {
        if (r2.endsWith(suffix)) {
          if (suffix === "ion") {
            if (inStr(at(word, -4), "st")) cut(3);
          } else {
            cut(suffix.length);
          }
        }
        break;
      }
    }
    if (r2.endsWith("l") && at(word, -2) === "l") {
      word = word.slice(0, -1);
    } else if (r2.endsWith("e")) {
      word = word.slice(0, -1);
    } else if (r1.endsWith("e")) {
      if (word.length >= 4 && (isVowel(at(word, -2)) || inStr(at(word, -2), "wxY") ||
          !isVowel(at(word, -3)) || isVowel(at(word, -4)))) {
        word = word.slice(0, -1);
      }
    }
    return word.replace(/Y/g, "y");
  }

  // -- spelling: search/spell.py -----------------------------------------------------------------

  function maxEdits(word) {
    const n = cpLength(word);
    return n <= 3 ? 0 : n <= 6 ? 1 : 2;
  }

  function editDistance(a, b, limit) { // a, b: arrays of code points
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    let before = [];
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const cur = new Array(b.length + 1).fill(0);
      cur[0] = i;
      for (let j = 1; j <= b.length; j++) {
        let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] !== b[j - 1] ? 1 : 0));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2] + 1);
        cur[j] = v;
      }
      if (Math.min(...cur) > limit) return limit + 1;
      before = prev;
      prev = cur;
    }
    return prev[prev.length - 1];
  }

  function popcount(x) {
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }

  function mask(cps) { // the letter set as bits ord(c) % 63, split in two 32-bit halves
    let lo = 0;
    let hi = 0;
    for (const c of cps) {
      const bit = c.codePointAt(0) % 63;
      if (bit < 31) lo |= 1 << bit;
      else hi |= 1 << (bit - 31);
    }
    return [lo, hi];
  }

  class Speller {
    constructor(vocabulary) { // Map word -> document frequency
      this.vocabulary = vocabulary;
      this.buckets = new Map();
      for (const [word, df] of vocabulary) {
        const cps = chars(word);
        const entry = [word, cps, mask(cps), df];
        this.add(`${cps.length}|0|${cps.length ? cps[0] : ""}`, entry);
        if (cps.length > 1) this.add(`${cps.length}|1|${cps[1]}`, entry);
      }
    }

    add(key, entry) {
      const list = this.buckets.get(key);
      if (list) list.push(entry);
      else this.buckets.set(key, [entry]);
    }

    has(word) {
      return this.vocabulary.has(word);
    }

    candidates(word, limit = 3) {
      const k = maxEdits(word);
      if (k === 0) return [];
      const cps = chars(word);
      const [lo, hi] = mask(cps);
      const found = [];
      const seen = new Set();
      for (let n = cps.length - k; n <= cps.length + k; n++) {
        for (const pos of [0, 1]) {
          for (const [cand, ccps, [clo, chi], df] of this.buckets.get(`${n}|${pos}|${cps[pos]}`) || []) {
            if (seen.has(cand)) continue;
            seen.add(cand);
            if (popcount(clo ^ lo) + popcount(chi ^ hi) > 2 * k) continue;
            const d = editDistance(cps, ccps, k);
            if (d <= k) found.push([d, -df, cand]);
          }
        }
      }
      found.sort((x, y) => x[0] - y[0] || x[1] - y[1] || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : 0));
      return found.slice(0, limit).map(([d, , cand]) => [cand, d]);
    }
  }

  // -- query planning: search/query_plan.py ------------------------------------------------------

  function alternative(fields) {
    return {
      words: [], weight: 1, covers: [], joined: "", exact: "", fallback: false, pair: "",
      qualifier: false, credit: 1.0, sure: 1.0, ...fields,
    };
  }

  class Planner {
    constructor(text, phrases, constants) {
      this.t = text;
      this.phrases = phrases;
      this.c = constants;
      this.W = constants.WEIGHTS;
    }

    plan(query, speller, known) {
      const t = this.t;
      const W = this.W;
      const typed = t.queryWords(query);
      const qualifiers = this.qualifierWords(query, typed.length);
      const plan = {
        words: typed, concepts: [], alternatives: [], exactKeys: [], looseKeys: [],
        correctedWords: new Map(),
      };
      let tokens = [];
      typed.forEach((w, wi) => {
        for (const p of t.splitIdentifier(w)) tokens.push([wi, t.normalize(p)]);
      });
      tokens = tokens.slice(0, this.c.MAX_CONCEPTS);
      let meaningful = tokens.filter((tok) => !t.stopwords.has(tok[1]));
      if (!meaningful.length) meaningful = tokens;
      plan.concepts = meaningful.map((tok) => tok[1]);
      const wordOf = meaningful.map((tok) => tok[0]);
      const typedAlt = (ci, word, weight = W.typed, extra = {}) => {
        plan.alternatives.push(alternative({
          words: [word], weight, covers: [ci], qualifier: qualifiers.has(wordOf[ci]), sure: weight,
          ...extra,
        }));
      };
      const covered = this.addPhrases(plan, plan.concepts, new Set(), typedAlt, null);
      const corrections = new Map();
      plan.concepts.forEach((concept, ci) => {
        if (covered.has(ci)) return;
        if (isDigits(concept) || cpLength(concept) <= 3 || known(concept)) {
          typedAlt(ci, concept);
          return;
        }
        const candidates = speller.candidates(concept);
        if (candidates.length && candidates[0][1] === 0) {
          typedAlt(ci, concept);
        } else if (!candidates.length) {
          typedAlt(ci, concept, W.typed, { fallback: true });
        } else {
          candidates.forEach(([cand, edits], rank) => {
            const weight = W.corrected[edits] * (rank === 0 ? 1 : W.other_candidate);
            typedAlt(ci, cand, weight);
            plan.alternatives.push(alternative({ weight, covers: [ci], joined: cand, sure: weight }));
          });
          typedAlt(ci, concept, W.typo_itself);
          corrections.set(ci, candidates[0]);
        }
      });
      const fixed = plan.concepts.map((c, ci) => (corrections.has(ci) ? corrections.get(ci)[0] : c));
      this.addPhrases(plan, fixed, covered, null, new Set(corrections.keys()));

      this.addJoins(plan, typed, meaningful, speller, W.typed, true);
      if (corrections.size) {
        const fixedWords = typed.slice();
        for (const [ci, [cand]] of corrections) {
          const wi = wordOf[ci];
          fixedWords[wi] = replaceFirst(fixedWords[wi].toLowerCase(), plan.concepts[ci], cand);
        }
        this.addJoins(plan, fixedWords, meaningful, speller, W.corrected[2], false);
      }
      const sure = fixed.map((_, ci) => (corrections.has(ci) ? W.corrected[corrections.get(ci)[1]] : 1.0));
      for (let ci = 0; ci < fixed.length - 1; ci++) {
        plan.alternatives.push(alternative({
          weight: W.typed, covers: [ci, ci + 1], pair: t.pairTerm(fixed[ci], fixed[ci + 1]),
          sure: Math.min(sure[ci], sure[ci + 1]),
        }));
      }
      this.addExactKeys(plan, query, typed);
      this.recordCorrections(plan, typed, meaningful, wordOf, corrections);
      return plan;
    }

    qualifierWords(query, count) {
      const found = new Set();
      const capped = chars(query).slice(0, this.c.MAX_QUERY_CHARS).join("");
      let i = 0;
      for (const m of capped.matchAll(WORD)) {
        if (i >= count) break;
        const after = chars(capped.slice(m.index + m[0].length)).slice(0, 2);
        if (after.length === 2 && after[0] === "." && (ALNUM.test(after[1]) || after[1] === "_")) {
          found.add(i);
        }
        i++;
      }
      return found;
    }

    addPhrases(plan, concepts, covered, typedAlt, touching) {
      const stems = concepts.map((c) => this.t.stem(c));
      covered = new Set(covered);
      for (let length = Math.min(4, stems.length); length > 0; length--) {
        for (let start = 0; start + length <= stems.length; start++) {
          const span = [];
          for (let ci = start; ci < start + length; ci++) span.push(ci);
          if (span.some((ci) => covered.has(ci)) ||
              (touching !== null && !span.some((ci) => touching.has(ci)))) continue;
          const others = own(this.phrases, stems.slice(start, start + length).join(" "));
          if (!others || !others.length) continue;
          if (typedAlt !== null) span.forEach((ci) => typedAlt(ci, concepts[ci]));
          const credit = length > 1 ? 1.0 : this.W.synonym_credit;
          for (const [parts, w, exact, joined] of others) {
            plan.alternatives.push(alternative({
              words: parts, weight: length > 1 ? Math.max(w, this.W.phrase) : w, covers: span,
              joined, exact, credit, sure: credit,
            }));
          }
          span.forEach((ci) => covered.add(ci));
        }
      }
      return covered;
    }

    addJoins(plan, typed, meaningful, speller, weight, fuzzy) {
      const t = this.t;
      const conceptsOfWord = new Map();
      meaningful.forEach(([wi], ci) => {
        if (!conceptsOfWord.has(wi)) conceptsOfWord.set(wi, new Set());
        conceptsOfWord.get(wi).add(ci);
      });
      for (let start = 0; start < typed.length; start++) {
        const stop = Math.min(start + this.c.MAX_JOIN, typed.length);
        for (let end = start + 1; end <= stop; end++) {
          const slice = typed.slice(start, end);
          const joined = slice.map((w) => t.compact(w)).join("");
          const single = end - start === 1;
          if (!joined || (single && t.splitIdentifier(typed[start]).length < 2)) continue;
          const coverSet = new Set();
          for (let wi = start; wi < end; wi++) for (const c of conceptsOfWord.get(wi) || []) coverSet.add(c);
          if (!coverSet.size) continue;
          const covers = [...coverSet];
          if (!single) {
            plan.alternatives.push(alternative({
              weight: weight * covers.length, covers, exact: slice.map((w) => w.toLowerCase()).join("."),
              sure: weight,
            }));
          }
          if (speller.has(joined)) {
            plan.alternatives.push(alternative({ weight: weight * covers.length, covers, joined, sure: weight }));
          } else if (single && fuzzy) {
            speller.candidates(joined, 2).forEach(([cand, edits], rank) => {
              const w = this.W.corrected[edits] * (rank === 0 ? 1 : 0.6);
              plan.alternatives.push(alternative({ weight: w * covers.length, covers, joined: cand, sure: w }));
            });
          }
        }
      }
    }

    addExactKeys(plan, query, typed) {
      const capped = chars(query).slice(0, this.c.MAX_QUERY_CHARS).join("");
      let stripped = pyStrip(pyStrip(pyStrip(capped), new Set(["`", "'", '"'])));
      if (stripped.endsWith("()")) stripped = stripped.slice(0, -2);
      if (DOTTED.test(stripped)) {
        const key = stripped.toLowerCase();
        plan.exactKeys.push(key);
        for (const prefix of ["mx.", "minigluon."]) {
          if (key.startsWith(prefix) && key.length > prefix.length) plan.looseKeys.push(key.slice(prefix.length));
        }
      }
      if (typed.length > 0 && typed.length <= this.c.MAX_JOIN) {
        plan.exactKeys.push(typed.map((w) => this.t.compact(w)).join(""));
      }
    }

    recordCorrections(plan, typed, meaningful, wordOf, corrections) {
      const t = this.t;
      const byWord = new Map();
      for (const [ci, [cand]] of corrections) {
        const wi = wordOf[ci];
        if (!byWord.has(wi)) byWord.set(wi, []);
        byWord.get(wi).push([meaningful[ci][1], cand]);
      }
      for (const [wi, fixes] of byWord) {
        const parts = t.identifierParts(typed[wi]);
        let out = typed[wi];
        for (const [typo, cand] of fixes) {
          for (const p of parts) {
            if (t.normalize(p) === typo) {
              const repl = isUpperChar(chars(p)[0] || "") ? capitalize(cand) : cand;
              out = replaceFirst(out, p, repl);
              break;
            }
          }
        }
        if (out !== typed[wi]) plan.correctedWords.set(wi, out);
      }
    }
  }

  function replaceFirst(s, find, repl) { // str.replace(find, repl, 1)
    const i = s.indexOf(find);
    return i < 0 ? s : s.slice(0, i) + repl + s.slice(i + find.length);
  }

  function capitalize(s) {
    const cs = chars(s);
    return cs.length ? cs[0].toUpperCase() + cs.slice(1).join("").toLowerCase() : s;
  }

  function didYouMean(plan) {
    if (!plan.correctedWords.size) return null;
    return plan.words.map((w, i) => (plan.correctedWords.has(i) ? plan.correctedWords.get(i) : w)).join(" ");
  }

  // -- the engine: search/query.py ---------------------------------------------------------------

  function decodePostings(encoded) {
    const ids = [];
    const tfs = [];
    if (!encoded) return { ids, tfs };
    let last = 0;
    for (const item of encoded.split(",")) {
      const colon = item.indexOf(":");
      last += parseInt(colon < 0 ? item : item.slice(0, colon), 36);
      ids.push(last);
      tfs.push(colon < 0 ? 1 : Number(item.slice(colon + 1)));
    }
    return { ids, tfs };
  }

  // Python's round(x, digits): the nearest decimal, an exact tie to the even digit (toFixed
  // takes the larger one: 0.625 -> 0.63 where Python gives 0.62)
  function round(x, digits) {
    if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return x;
    const exact = Math.abs(x).toFixed(100); // every digit of the double, for |x| >= 1e-100
    const cut = exact.indexOf(".") + 1 + digits;
    if (/^50*$/.test(exact.slice(cut))) {
      const kept = exact.slice(0, digits ? cut : cut - 1);
      if (Number(kept[kept.length - 1]) % 2 === 0) return Number((x < 0 ? "-" : "") + kept);
    }
    return Number(x.toFixed(digits));
  }

  class Engine {
    constructor(data) {
      this.data = data;
      this.c = data.constants;
      this.text = new Text(this.c);
      this.n = data.docs.length;
      this.fields = data.fields;
      this.decoded = new Map();
      this.lengths = {};
      for (const [f, values] of Object.entries(data.lengths)) this.lengths[f] = Int32Array.from(values);
      this.priors = Int32Array.from(data.priors);
      this.vocabulary = new Map(Object.entries(data.vocabulary));
      const spelling = new Map(data.fieldVocabulary.map((w) => [w, 0]));
      for (const [w, df] of this.vocabulary) spelling.set(w, df);
      this.speller = new Speller(spelling);
      this.planner = new Planner(this.text, data.phrases, this.c);
      this.usedIn = new Map(Object.entries(data.usedIn).map(([d, s]) => [Number(d), s]));
      this.alwaysScored = new Set(this.c.ALWAYS_SCORED);
      this.questionWords = new Set(this.c.QUESTION_WORDS);
      this.joinedTerms = Object.keys(data.fields.joined || {});
    }

    get size() {
      return this.n;
    }

    postings(field, term) {
      const key = `${field}\u0000${term}`;
      let p = this.decoded.get(key);
      if (p === undefined) {
        const terms = own(this.fields, field);
        p = decodePostings(terms ? own(terms, term) : undefined);
        this.decoded.set(key, p);
      }
      return p;
    }

    docFrequency(field, term) {
      return this.postings(field, term).ids.length;
    }

    known(word) {
      if (this.vocabulary.has(word)) return true;
      const s = this.text.stem(word);
      return this.c.KNOWN_FROM.some((f) => this.docFrequency(f, s) > 0);
    }

    search(query, limit = 10) {
      limit = Math.max(1, Math.min(Math.trunc(Number(limit)) || 1, this.c.MAX_LIMIT));
      query = String(query);
      const plan = this.planner.plan(query, this.speller, (w) => this.known(w));
      const exact = this.exactHits(plan);
      const [ranked, sure] = this.rankedHits(plan);
      const seen = new Set(exact);
      const rest = ranked.filter(([d]) => !seen.has(d)).slice(0, limit);
      const top = rest.length ? rest[0][1] : 0.0;
      let ordered = exact.map((d, i) => [d, top + exact.length - i]).concat(rest);
      let moved;
      [ordered, moved] = this.withUsage(ordered, ranked);
      for (const d of exact) sure.set(d, 1.0); // the name itself
      for (const d of moved) sure.set(d, Math.max(sure.get(d) || 0.0, sure.get(ordered[0][0]) || 0.0));
      const results = ordered.slice(0, limit).map(([d, s]) => this.describe(d, s, sure.get(d) || 0.0));
      let suggestion = didYouMean(plan);
      if (suggestion && results.length) suggestion = this.spellLikeNames(plan, results);
      const weak = !results.length || results[0].confidence < this.c.WEAK_BELOW;
      return { query, did_you_mean: suggestion, weak, results };
    }

    withUsage(ordered, ranked) {
      if (!ordered.length || !this.usedIn.has(ordered[0][0])) return [ordered, []];
      const relevance = new Map(ranked);
      const rel = (d) => relevance.get(d) || 0.0;
      const sections = this.usedIn.get(ordered[0][0]);
      const chosen = sections.slice().sort((a, b) => rel(b) - rel(a)).slice(0, this.c.MAX_USED_IN);
      const chosenSet = new Set(chosen);
      const rest = ordered.slice(1).filter(([d]) => !chosenSet.has(d));
      const below = rest.length ? rest[0][1] : 0.0;
      const first = ordered[0][1];
      const moved = chosen.map((d) => [d, Math.min(first, Math.max(rel(d), below))]);
      return [[ordered[0], ...moved, ...rest], chosen];
    }

    exactHits(plan) {
      const df = (k) => this.docFrequency("exact", k) > 0;
      let keys = [...new Set(plan.exactKeys)].filter(df);
      if (!keys.length) keys = plan.looseKeys.filter(df);
      if (!keys.length) return [];
      const docs = new Set();
      for (const k of keys) for (const d of this.postings("exact", k).ids) docs.add(d);
      const hits = [...docs].sort((a, b) => a - b);
      const typed = plan.words.length ? plan.words[plan.words.length - 1] : "";
      const rows = hits.map((d) => {
        const name = this.data.docs[d][0];
        const leaf = name.split(".").pop();
        return [[leaf !== typed ? 1 : 0, this.priors[d] & 31, name.split(".").length - 1,
          cpLength(name), name], d];
      });
      rows.sort((x, y) => compareKeys(x[0], y[0]) || x[1] - y[1]);
      return rows.map(([, d]) => d);
    }

    rankedHits(plan) {
      const boosts = new Map(); // "field\0term" -> boost
      const matchers = plan.alternatives.map((alt) => [alt, ...this.alternativeTerms(alt, boosts)]);
      const [scores, postings] = this.bm25(boosts);
      const hits = [];
      for (let d = 0; d < this.n; d++) if (scores[d] !== 0) hits.push(d);
      if (!hits.length) return [[], new Map()];
      const priors = this.priors;
      hits.sort((a, b) => scores[b] - scores[a] || (priors[a] & 31) - (priors[b] & 31) || a - b);
      const candidates = hits.slice(0, this.c.RERANK_DEPTH);
      const member = new Map();
      for (const [key, ids] of postings) {
        const set = new Set(ids);
        member.set(key, candidates.map((d) => set.has(d)));
      }
      const none = candidates.map(() => false);
      const rows = Math.max(1, plan.concepts.length);
      const credit = Array.from({ length: rows }, () => new Float64Array(candidates.length));
      const sure = Array.from({ length: rows }, () => new Float64Array(candidates.length));
      const m = candidates.length;
      for (const [alt, needed, anyOf] of matchers) {
        const found = none.slice();
        for (const key of anyOf) {
          const hit = member.get(key) || none;
          for (let i = 0; i < m; i++) found[i] = found[i] || hit[i];
        }
        const howSure = found.map((f) => (f ? 1.0 : 0.0));
        if (needed.length) {
          const every = candidates.map(() => true);
          const everySure = new Float64Array(m).fill(1.0);
          for (const wordTerms of needed) {
            const word = none.slice();
            const wordSure = new Float64Array(m);
            for (const [key, quality] of wordTerms) {
              const hit = member.get(key) || none;
              for (let i = 0; i < m; i++) {
                word[i] = word[i] || hit[i];
                wordSure[i] = Math.max(wordSure[i], hit[i] ? quality : 0.0);
              }
            }
            for (let i = 0; i < m; i++) {
              every[i] = every[i] && word[i];
              everySure[i] = Math.min(everySure[i], wordSure[i]);
            }
          }
          for (let i = 0; i < m; i++) {
            found[i] = found[i] || every[i];
            howSure[i] = Math.max(howSure[i], everySure[i]);
          }
        }
        for (const c of alt.covers) {
          for (let i = 0; i < m; i++) {
            credit[c][i] = Math.max(credit[c][i], found[i] ? alt.credit : 0);
            sure[c][i] = Math.max(sure[c][i], alt.sure * howSure[i]);
          }
        }
      }
      const count = plan.concepts.length || 1;
      const demotion = [1.0, this.c.DEMOTED, this.c.DEMOTED * this.c.DEMOTED];
      const confidence = new Map();
      const ranked = candidates.map((d, i) => {
        let sum = 0;
        let sureSum = 0;
        for (let r = 0; r < rows; r++) {
          sum += credit[r][i];
          sureSum += sure[r][i];
        }
        const coverage = sum / count;
        confidence.set(d, sureSum / count);
        return [d, scores[d] * (0.2 + 0.8 * coverage * coverage) * demotion[priors[d] & 3]];
      });
      if (plan.words.length && this.questionWords.has(plan.words[0].toLowerCase())) {
        // "why ...", "can I ...", "does ...": a guide's explanation is the likelier answer
        for (const r of ranked) if ((priors[r[0]] >> 6) & 1) r[1] *= this.c.QUESTION_SECTION_BOOST;
      }
      const last = plan.words.length ? chars(plan.words[plan.words.length - 1])[0] || "" : "";
      const upper = plan.words.length > 0 && isUpperChar(last);
      const key = ([d, s]) => [-round(s, 9), (((priors[d] >> 5) & 1) !== 0) !== upper ? 1 : 0, priors[d] & 31, d];
      const keyed = ranked.map((r) => [key(r), r]);
      keyed.sort((x, y) => compareKeys(x[0], y[0]));
      return [keyed.map(([, r]) => r), confidence];
    }

    bm25(boosts) {
      const n = this.n;
      const { K1, B, POSTINGS_BUDGET } = this.c;
      const weighted = [];
      for (const [ft, boost] of boosts) {
        const [f, t] = ft.split("\u0000");
        const df = this.docFrequency(f, t);
        if (df) {
          const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
          weighted.push([boost * idf, df, f, t, ft]);
        }
      }
      weighted.sort((x, y) => compareKeys(y.slice(0, 4), x.slice(0, 4)));
      const scores = new Float64Array(n);
      const postings = [];
      let budget = POSTINGS_BUDGET;
      for (const [impact, df, f, t, ft] of weighted) {
        if (!this.alwaysScored.has(f)) {
          if (df > budget) continue;
          budget -= df;
        }
        const { ids, tfs } = this.postings(f, t);
        const lengths = own(this.lengths, f);
        const avg = lengths === undefined ? 0 : this.data.averageLengths[f];
        for (let i = 0; i < ids.length; i++) {
          const tf = tfs[i];
          const norm = lengths === undefined ? K1 : K1 * (1 - B) + (K1 * B / avg) * lengths[ids[i]];
          scores[ids[i]] += impact * tf * (K1 + 1) / (tf + norm);
        }
        postings.push([ft, ids]);
      }
      return [scores, postings];
    }

    alternativeTerms(alt, boosts) {
      const t = this.text;
      const c = this.c;
      const share = alt.weight / Math.max(1, alt.words.length);
      const put = (ft, b) => {
        const old = boosts.get(ft);
        boosts.set(ft, old === undefined ? Math.max(0.0, b) : Math.max(old, b));
      };
      const needed = [];
      for (const w of alt.words) {
        const s = t.stem(w);
        let wordTerms; // [field\0term, boost, sureness]
        if (alt.qualifier) {
          wordTerms = Object.entries(c.QUALIFIER_BOOSTS).map(([f, b]) => [`${f}\u0000${s}`, b, 1.0]);
        } else {
          wordTerms = Object.entries(c.FIELD_BOOSTS).map(([f, b]) => [`${f}\u0000${s}`, b, 1.0]);
          wordTerms.push([`joined\u0000${w}`, c.JOINED_WORD_BOOST, 1.0]);
        }
        if (alt.fallback) {
          wordTerms = wordTerms.concat(this.fallbackTerms(w));
        } else if (cpLength(w) >= 5 && alt.credit === 1 && !(this.docFrequency("joined", w) > 0)) {
          wordTerms = wordTerms.concat(this.prefixTerms(w));
        }
        const quality = new Map();
        for (const [ft, b, q] of wordTerms) {
          put(ft, b * share);
          quality.set(ft, Math.max(quality.get(ft) || 0.0, q));
        }
        needed.push(quality);
      }
      const anyOf = [];
      const joinedBoost = alt.words.length ? c.JOINED_WORD_BOOST : c.JOINED_BOOST;
      for (const [f, term, b] of [["joined", alt.joined, joinedBoost],
        ["exact", alt.exact, c.EXACT_EXPANSION_BOOST], ["errors", alt.pair, c.PAIR_BOOST]]) {
        if (term) {
          const ft = `${f}\u0000${term}`;
          put(ft, b * alt.weight);
          anyOf.push(ft);
        }
      }
      return [needed, anyOf];
    }

    fallbackTerms(word) {
      const out = cpLength(word) >= 4 ? this.prefixTerms(word) : [];
      return out.concat(this.text.trigrams(word).map((g) => [`tri\u0000${g}`, this.c.TRIGRAM_BOOST,
        this.c.TRIGRAM_SURE]));
    }

    prefixTerms(word) {
      const out = [];
      for (const term of this.joinedTerms) {
        if (out.length >= this.c.MAX_PREFIX_EXPANSIONS) break;
        if (term.startsWith(word)) out.push([`joined\u0000${term}`, this.c.PREFIX_BOOST, this.c.PREFIX_SURE]);
      }
      return out;
    }

    describe(d, score, confidence) {
      const [name, kind, url, summary, signature, source, path] = this.data.docs[d];
      return {
        name, kind, url, summary, score: round(score, 4), confidence: round(confidence, 2),
        signature, source, path,
      };
    }

    spellLikeNames(plan, results) {
      const t = this.text;
      const leaves = new Map();
      for (const r of results) {
        if (r.source !== "api") continue;
        const leaf = r.name.split(".").pop();
        if (t.splitIdentifier(leaf).length > 1) leaves.set(t.compact(leaf), leaf);
      }
      return plan.words.map((w, i) => {
        if (!plan.correctedWords.has(i)) return w;
        const fixedWord = plan.correctedWords.get(i);
        if (!isLower(fixedWord)) return fixedWord;
        const leaf = leaves.get(fixedWord.toLowerCase());
        return leaf === undefined ? fixedWord : leaf;
      }).join(" ");
    }
  }

  // Python's tuple ordering for keys of numbers and strings
  function compareKeys(a, b) {
    for (let i = 0; i < a.length; i++) {
      if (a[i] < b[i]) return -1;
      if (a[i] > b[i]) return 1;
    }
    return 0;
  }

  return { Engine, Speller, Text, englishStem, editDistance, maxEdits, decodePostings, round };
});
