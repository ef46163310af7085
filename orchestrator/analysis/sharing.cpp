#include "analysis/sharing.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "util/strings.h"

namespace ftbench::analysis {
namespace {

using harness::CandidateKind;
using harness::CandidateOrigin;
using harness::WatchCandidate;

uint64_t align_down(uint64_t address, uint64_t to) { return address - address % to; }
uint64_t line_of(uint64_t address) { return align_down(address, kCacheLineBytes); }

const WatchCandidate* find_candidate(const std::vector<WatchCandidate>& candidates, const std::string& key) {
  for (const auto& c : candidates)
    if (c.key == key) return &c;
  return nullptr;
}

const harness::HeaderField* field_named(const WatchCandidate& c, std::string_view name) {
  for (const auto& f : c.fields)
    if (f.name == name) return &f;
  return nullptr;
}

// The reference counts other threads write. ob_ref_local is the owner's alone, so a word with
// it and several writers is ob_mutex's (the per-object lock beside it), not a reference count.
bool is_refcount_field(std::string_view name) { return name == "ob_ref_shared" || name == "ob_refcnt"; }

// The words of an object that other threads write: its reference counts (and, on
// free-threaded builds, ob_mutex beside ob_ref_local). ob_tid and ob_type do not change.
std::vector<int64_t> object_words(const WatchCandidate& c) {
  std::vector<int64_t> out;
  for (const char* name : {"ob_ref_shared", "ob_ref_local", "ob_refcnt"})
    if (const auto* f = field_named(c, name)) {
      const auto word = static_cast<int64_t>(align_down(static_cast<uint64_t>(c.address + f->offset), kWordBytes)) -
                        c.address;
      if (std::find(out.begin(), out.end(), word) == out.end()) out.push_back(word);
    }
  return out;
}

struct Group {
  uint64_t line = 0;
  bool named = false;
  bool buffer = false;
  std::vector<std::pair<uint64_t, WordRef>> words;  // absolute address, reference
};

int group_rank(const Group& g) {
  if (g.named) return 0;
  if (g.buffer && g.words.size() >= 2) return 1;  // two written words on one line: the classic case
  if (g.buffer) return 2;
  return 3;
}

}  // namespace

WatchPlan plan_watch(const std::vector<WatchCandidate>& candidates, const std::vector<harness::WrittenWords>& written,
                     const WatchPlanSettings& settings) {
  WatchPlan plan;
  std::map<uint64_t, Group> groups;  // by line
  std::set<uint64_t> seen;
  auto add = [&](const WatchCandidate& c, int64_t offset, std::string reason) {
    const auto absolute = align_down(static_cast<uint64_t>(c.address + offset), kWordBytes);
    if (!seen.insert(absolute).second) return;  // views of the same bytes: one watch
    auto& g = groups[line_of(absolute)];
    g.line = line_of(absolute);
    g.named = g.named || c.origin == CandidateOrigin::named;
    g.buffer = g.buffer || c.kind == CandidateKind::buffer;
    g.words.push_back({absolute, WordRef{c.key, static_cast<int64_t>(absolute) - c.address, std::move(reason)}});
  };
  // When views overlap, a word is referred to through the most specific one (named first,
  // then the smallest): a slot's own view finds the slot again in a later run even where the
  // script aligned it differently inside a new buffer.
  std::vector<const WatchCandidate*> ordered;
  for (const auto& c : candidates) ordered.push_back(&c);
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) {
    const bool an = a->origin == CandidateOrigin::named, bn = b->origin == CandidateOrigin::named;
    if (an != bn) return an;
    return a->size < b->size;
  });
  for (const auto* c : ordered) {
    if (c->kind == CandidateKind::buffer) {
      for (const auto& w : written)
        if (w.key == c->key) {
          for (const auto offset : w.offsets) add(*c, offset, "written in the probe iteration");
          if (w.truncated)
            plan.notes.push_back(fmt::format("{}: more words changed than the harness lists; only the first {} considered",
                                             c->key, w.offsets.size()));
        }
    } else if (!c->immortal.value_or(false) || c->origin == CandidateOrigin::named) {
      for (const auto offset : object_words(*c))
        add(*c, offset, c->immortal.value_or(false) ? "immortal: expect no writes" : "reference count");
    }
  }
  std::vector<Group> ordered_groups;
  for (auto& [line, g] : groups) ordered_groups.push_back(std::move(g));
  std::stable_sort(ordered_groups.begin(), ordered_groups.end(),
                   [](const Group& a, const Group& b) { return group_rank(a) < group_rank(b); });
  const auto slots = static_cast<size_t>(std::max(1, settings.slots));
  for (const auto& g : ordered_groups) {
    plan.words_found += g.words.size();
    for (size_t start = 0; start < g.words.size(); start += slots) {
      const auto end = std::min(g.words.size(), start + slots);
      const auto need = end - start;
      WatchWindow* target = nullptr;
      for (auto& w : plan.windows)
        if (w.words.size() + need <= slots) {
          target = &w;
          break;
        }
      if (!target) {
        if (plan.windows.size() >= static_cast<size_t>(settings.max_windows)) {
          plan.words_dropped += need;
          continue;
        }
        target = &plan.windows.emplace_back();
      }
      for (auto i = start; i < end; ++i) target->words.push_back(g.words[i].second);
    }
  }
  if (plan.words_dropped > 0)
    plan.notes.push_back(fmt::format("{} of {} candidate words not watched (the cap is {} windows of {} words)",
                                     plan.words_dropped, plan.words_found, settings.max_windows, slots));
  return plan;
}

std::optional<uint64_t> resolve_word(const WordRef& word, const std::vector<WatchCandidate>& candidates) {
  const auto* c = find_candidate(candidates, word.key);
  if (!c || c->address == 0) return std::nullopt;
  return align_down(static_cast<uint64_t>(c->address + word.offset), kWordBytes);
}

namespace {

bool overlaps(const WatchCandidate& c, uint64_t begin, uint64_t end) {
  const auto a = static_cast<uint64_t>(c.address);
  return a < end && begin < a + static_cast<uint64_t>(std::max<int64_t>(c.size, 1));
}

// The name of the bytes [begin, end) of candidate c in Python terms.
std::string name_in(const WatchCandidate& c, uint64_t begin, uint64_t end, bool& refcount, bool& lock) {
  const auto a = static_cast<uint64_t>(c.address);
  const auto from = std::max(begin, a) - a;
  const auto to = std::min(end, a + static_cast<uint64_t>(c.size)) - a;  // exclusive
  if (c.kind == CandidateKind::buffer) {
    const auto item = static_cast<uint64_t>(c.itemsize.value_or(1));
    if (static_cast<uint64_t>(c.size) <= item) return c.key;  // a one-element view: its name says it
    if (item > 1) {
      const auto first = from / item;
      const auto last = (to - 1) / item;
      return first == last ? fmt::format("{}[{}]", c.key, first) : fmt::format("{}[{}..{}]", c.key, first, last);
    }
    return fmt::format("{} bytes {}-{}", c.key, from, to - 1);
  }
  std::vector<std::string> fields;
  for (const auto& f : c.fields) {
    const auto fb = static_cast<uint64_t>(f.offset);
    if (fb < to && from < fb + static_cast<uint64_t>(f.size)) {
      fields.push_back(f.name);
      refcount = refcount || is_refcount_field(f.name);
      lock = lock || f.name == "ob_mutex";
    }
  }
  if (fields.empty()) return fmt::format("{} +{}", c.key, from);
  if (fields.size() == 1) return c.key + "." + fields.front();
  return fmt::format("{}.{{{}}}", c.key, fmt::join(fields, ","));
}

// The smallest candidate with an address over [begin, end): a slot's view before the whole buffer.
const WatchCandidate* most_specific(const std::vector<WatchCandidate>& candidates, uint64_t begin, uint64_t end) {
  const WatchCandidate* best = nullptr;
  for (const auto& c : candidates)
    if (c.address != 0 && overlaps(c, begin, end) && (!best || c.size < best->size)) best = &c;
  return best;
}

// The most specific candidate over a word names it.
std::string name_word(const std::vector<WatchCandidate>& candidates, uint64_t word, WordWrites& w) {
  const auto* best = most_specific(candidates, word, word + kWordBytes);
  if (!best) return util::hex(word);
  if (best->kind == CandidateKind::object) w.object = best->key;
  return name_in(*best, word, word + kWordBytes, w.refcount, w.lock);
}

std::string describe_on_line(const WatchCandidate& c, uint64_t line) {
  const auto a = static_cast<uint64_t>(c.address);
  const auto from = std::max(line, a) - line;
  const auto to = std::min(line + kCacheLineBytes, a + static_cast<uint64_t>(std::max<int64_t>(c.size, 1))) - line;
  const char* what = c.kind == CandidateKind::object ? (a >= line ? "object header" : "object body") : "data";
  return fmt::format("{} ({} {}) at line bytes {}-{}", c.key, c.type, what, from, to - 1);
}

struct LineAccumulator {
  LineFinding finding;
  std::map<int64_t, size_t> word_index;   // line offset -> index in finding.words
  std::set<int> windows;
  double op_units = 0;                    // sum of ops * coverage over the iterations watching it
  bool named = false;
  bool immortal_named = false;
};

std::string thread_name(int64_t tid, const std::vector<int64_t>& workers) {
  for (size_t i = 0; i < workers.size(); ++i)
    if (workers[i] == tid) return fmt::format("worker {}", i);
  return fmt::format("thread {}", tid);
}


void judge(LineAccumulator& acc, bool gil_enabled) {
  auto& f = acc.finding;
  f.windows = static_cast<int>(acc.windows.size());
  f.gil_enabled = gil_enabled;
  f.immortal = acc.immortal_named;
  f.watched_ops = acc.op_units;
  f.succession_share = f.writes ? static_cast<double>(f.successions) / static_cast<double>(f.writes) : 0;
  if (acc.op_units > 0) {
    f.successions_per_op = static_cast<double>(f.successions) / acc.op_units;
    f.writes_per_op = static_cast<double>(f.writes) / acc.op_units;
  }
  f.negligible = f.writes_per_op && *f.writes_per_op < kNegligibleWritesPerOp;
  f.contended = f.succession_share >= kContendedShare && !f.negligible;
  int64_t lo = kCacheLineBytes, hi = 0;
  for (const auto& w : f.words)
    if (!w.by_thread.empty()) {
      lo = std::min(lo, w.line_offset);
      hi = std::max(hi, w.line_offset);
    }
  f.spread_bytes = hi >= lo ? hi - lo : 0;
  if (f.writes == 0) {
    f.verdict = SharingVerdict::no_writes;
    return;
  }
  if (f.writers.size() == 1) {
    f.verdict = SharingVerdict::not_shared;
    return;
  }
  // The word that explains several writers best: a reference count, then a per-object lock.
  for (size_t i = 0; i < f.words.size(); ++i) {
    const auto& w = f.words[i];
    if (w.by_thread.size() < 2) continue;
    const auto rank = [](const WordWrites& x) { return x.refcount ? 0 : x.lock ? 1 : 2; };
    if (!f.subject || rank(w) < rank(f.words[*f.subject])) f.subject = i;
  }
  if (!f.subject)
    f.verdict = SharingVerdict::false_sharing;
  else
    f.verdict = f.words[*f.subject].refcount ? SharingVerdict::refcount_contention : SharingVerdict::true_sharing;
}

}  // namespace

std::vector<std::string> candidates_on_line(const std::vector<WatchCandidate>& candidates, uint64_t line) {
  std::vector<std::string> out;
  for (const auto& c : candidates)
    if (c.address != 0 && overlaps(c, line, line + kCacheLineBytes)) out.push_back(describe_on_line(c, line));
  return out;
}

std::optional<uint64_t> translate_line(uint64_t line, const std::vector<WatchCandidate>& from,
                                       const std::vector<WatchCandidate>& to) {
  const auto* best = most_specific(from, line, line + kCacheLineBytes);
  if (!best) return std::nullopt;
  const auto* there = find_candidate(to, best->key);
  if (!there || there->address == 0) return std::nullopt;
  return line_of(static_cast<uint64_t>(static_cast<int64_t>(line) - best->address + there->address));
}

bool suspicious(const LineFinding& line) {
  if (line.negligible) return false;
  switch (line.verdict) {
    case SharingVerdict::false_sharing:
    case SharingVerdict::true_sharing:
    case SharingVerdict::refcount_contention:
      return true;
    default:
      return false;
  }
}

SharingReport analyze_sharing(const std::vector<WatchedIteration>& iterations, const std::vector<int64_t>& worker_tids,
                              bool gil_enabled) {
  SharingReport report;
  report.gil_enabled = gil_enabled;
  report.coverage = 0;
  std::map<uint64_t, LineAccumulator> lines;
  for (const auto& it : iterations) {
    ++report.windows;
    if (it.budget_reached) ++report.windows_cut;
    report.lost += it.lost;
    report.throttled += it.throttled;
    report.coverage += it.coverage;
    report.writes += it.writes.size();
    // Every armed word gets its entry (so silent named words are reported too).
    for (size_t i = 0; i < it.addresses.size(); ++i) {
      const auto word = it.addresses[i];
      auto& acc = lines[line_of(word)];
      acc.finding.line_address = line_of(word);
      acc.windows.insert(it.window);
      const auto offset = static_cast<int64_t>(word - line_of(word));
      if (!acc.word_index.count(offset)) {
        WordWrites w;
        w.line_offset = offset;
        w.name = name_word(it.candidates, word, w);
        acc.word_index[offset] = acc.finding.words.size();
        acc.finding.words.push_back(std::move(w));
      }
      if (const auto* c = find_candidate(it.candidates, it.words[i].key); c && c->origin == CandidateOrigin::named) {
        acc.named = true;
        acc.immortal_named = acc.immortal_named || c->immortal.value_or(false);
      }
      if (acc.finding.on_line.empty()) acc.finding.on_line = candidates_on_line(it.candidates, line_of(word));
    }
    std::set<uint64_t> watched_lines;
    for (const auto a : it.addresses) watched_lines.insert(line_of(a));
    for (const auto l : watched_lines) {
      lines[l].op_units += static_cast<double>(it.ops) * it.coverage;
      lines[l].finding.estimated = lines[l].finding.estimated || it.budget_reached;
    }
    std::map<uint64_t, int64_t> last_writer;  // line -> tid of its last write in this iteration
    for (const auto& w : it.writes) {
      const auto l = line_of(w.address);
      auto found = lines.find(l);
      if (found == lines.end()) continue;  // not a word we armed (cannot happen with the kernel's records)
      auto& acc = found->second;
      const auto offset = static_cast<int64_t>(align_down(w.address, kWordBytes) - l);
      const auto index = acc.word_index.find(offset);
      if (index == acc.word_index.end()) continue;
      const auto name = thread_name(w.tid, worker_tids);
      ++acc.finding.words[index->second].by_thread[name];
      ++acc.finding.writes;
      if (std::find(acc.finding.writers.begin(), acc.finding.writers.end(), name) == acc.finding.writers.end())
        acc.finding.writers.push_back(name);
      if (const auto prev = last_writer.find(l); prev != last_writer.end() && prev->second != w.tid)
        ++acc.finding.successions;
      last_writer[l] = w.tid;
    }
  }
  for (auto& [line, acc] : lines) {
    std::sort(acc.finding.words.begin(), acc.finding.words.end(),
              [](const WordWrites& a, const WordWrites& b) { return a.line_offset < b.line_offset; });
    judge(acc, gil_enabled);
    // Lines nobody wrote are noise unless the user asked about what lies on them.
    if (acc.finding.verdict == SharingVerdict::no_writes && !acc.named) continue;
    report.lines.push_back(std::move(acc.finding));
  }
  std::stable_sort(report.lines.begin(), report.lines.end(), [](const LineFinding& a, const LineFinding& b) {
    const auto rank = [](const LineFinding& l) { return suspicious(l) ? (l.contended ? 0 : 1) : 2; };
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    if (a.successions != b.successions) return a.successions > b.successions;
    return a.writes > b.writes;
  });
  report.coverage = report.windows ? report.coverage / static_cast<double>(report.windows) : 1;
  if (report.throttled > 0)
    report.notes.push_back(fmt::format("the kernel throttled the watchpoints {} times: some writes were not recorded, "
                                       "counts are lower bounds",
                                       report.throttled));
  if (report.windows_cut > 0)
    report.notes.push_back(fmt::format("the trap budget cut {} of {} watched iterations short: per-op figures of "
                                       "their lines are extrapolated from the part recorded",
                                       report.windows_cut, report.windows));
  if (report.lost > 0)
    report.notes.push_back(fmt::format("the kernel dropped {} write records (ring buffer full): counts are lower "
                                       "bounds",
                                       report.lost));
  return report;
}

}  // namespace ftbench::analysis
