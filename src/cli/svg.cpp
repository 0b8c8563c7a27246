#include "svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <sstream>

namespace pact::cli::svg {

namespace {

std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  return buffer;
}

std::string open(double width, double height, const std::string& title) {
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 " << num(width) << " "
    << num(height) << "\" width=\"" << num(width) << "\" height=\"" << num(height) << "\" aria-label=\""
    << escape(title) << "\"><title>" << escape(title) << "</title>"
    << "<text x=\"" << num(width / 2) << "\" y=\"18\" text-anchor=\"middle\" class=\"chart-title\">" << escape(title)
    << "</text>";
  return s.str();
}

std::string text(double x, double y, const std::string& content, const char* anchor = "middle",
                 const char* cls = "axis") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\" class=\"" + cls + "\">" +
         escape(content) + "</text>";
}

std::string line(double x1, double y1, double x2, double y2, const char* cls = "grid") {
  return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
         "\" class=\"" + cls + "\"/>";
}

std::string percent_label(double v) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%d%%", static_cast<int>(std::lround(100 * v)));
  return buffer;
}

}  // namespace

std::string escape(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string histogram(const std::vector<std::size_t>& counts, double lo, double hi, const std::string& title,
                      const std::string& x_label, const std::string& y_label, const std::string& color) {
  const double width = 520, height = 300, left = 56, right = 16, top = 32, bottom = 52;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  const std::size_t peak = counts.empty() ? 1 : std::max<std::size_t>(1, *std::max_element(counts.begin(), counts.end()));
  std::string s = open(width, height, title);
  for (int k = 0; k <= 4; ++k) {
    const double y = top + plot_h * (1.0 - k / 4.0);
    s += line(left, y, left + plot_w, y);
    s += text(left - 6, y + 4, std::to_string(static_cast<long long>(std::llround(static_cast<double>(peak) * k / 4.0))),
              "end");
  }
  const double bar_w = counts.empty() ? 0 : plot_w / static_cast<double>(counts.size());
  for (std::size_t b = 0; b < counts.size(); ++b) {
    const double h = plot_h * static_cast<double>(counts[b]) / static_cast<double>(peak);
    const double x = left + bar_w * static_cast<double>(b);
    const double from = lo + (hi - lo) * static_cast<double>(b) / static_cast<double>(counts.size());
    const double to = lo + (hi - lo) * static_cast<double>(b + 1) / static_cast<double>(counts.size());
    s += "<rect class=\"bar\" x=\"" + num(x + 1) + "\" y=\"" + num(top + plot_h - h) + "\" width=\"" +
         num(std::max(0.0, bar_w - 2)) + "\" height=\"" + num(h) + "\" fill=\"" + color + "\"><title>" +
         percent_label(from) + "–" + percent_label(to) + ": " + std::to_string(counts[b]) + "</title></rect>";
  }
  for (int k = 0; k <= 4; ++k) {
    const double x = left + plot_w * k / 4.0;
    s += text(x, top + plot_h + 16, percent_label(lo + (hi - lo) * k / 4.0));
  }
  s += line(left, top + plot_h, left + plot_w, top + plot_h, "axis-line");
  s += text(left + plot_w / 2, height - 10, x_label);
  s += "<text transform=\"translate(14," + num(top + plot_h / 2) + ") rotate(-90)\" text-anchor=\"middle\" class=\"axis\">" +
       escape(y_label) + "</text>";
  return s + "</svg>";
}

std::string bars(const std::vector<std::string>& labels, const std::vector<double>& values,
                 const std::vector<std::string>& annotations, const std::string& title, double max,
                 const std::vector<std::string>& colors) {
  const double row = 26, left = 190, right = 90, top = 32;
  const double width = 540, height = top + row * static_cast<double>(labels.size()) + 12;
  const double plot_w = width - left - right;
  if (max <= 0.0)
    for (double v : values) max = std::max(max, v);
  if (max <= 0.0) max = 1.0;
  std::string s = open(width, height, title);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double y = top + row * static_cast<double>(i);
    const double w = plot_w * std::clamp(values[i] / max, 0.0, 1.0);
    const std::string color = i < colors.size() ? colors[i] : "#3b6ea5";
    s += text(left - 8, y + 17, labels[i], "end", "label");
    s += "<rect class=\"bar\" x=\"" + num(left) + "\" y=\"" + num(y + 5) + "\" width=\"" + num(w) +
         "\" height=\"16\" fill=\"" + color + "\"><title>" + escape(labels[i]) + ": " +
         escape(i < annotations.size() ? annotations[i] : "") + "</title></rect>";
    s += text(left + w + 6, y + 17, i < annotations.size() ? annotations[i] : "", "start", "value");
  }
  return s + "</svg>";
}

std::string diverging_bars(const std::vector<std::string>& labels, const std::vector<double>& values,
                           const std::string& title, const std::string& left_caption, const std::string& right_caption) {
  std::size_t longest = 0;
  for (const auto& l : labels) {
    std::size_t characters = 0;
    for (unsigned char c : l) characters += (c & 0xC0) != 0x80 ? 1 : 0;
    longest = std::max(longest, characters);
  }
  // Labels take the room they need (about 6.5 px a character at 12 px), up to a limit.
  const double row = 24, left = std::min(380.0, 6.5 * static_cast<double>(longest) + 24), top = 52;
  const double width = left + 400;
  const double height = top + row * static_cast<double>(labels.size()) + 14;
  const double plot_w = width - left - 24, zero = left + plot_w / 2;
  double extent = 0.0;
  for (double v : values) extent = std::max(extent, std::fabs(v));
  if (extent <= 0.0) extent = 1.0;
  std::string s = open(width, height, title);
  s += text(zero - 8, 40, left_caption, "end", "axis");
  s += text(zero + 8, 40, right_caption, "start", "axis");
  s += line(zero, top - 4, zero, height - 10, "axis-line");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double y = top + row * static_cast<double>(i);
    const double w = (plot_w / 2) * std::fabs(values[i]) / extent;
    const bool up = values[i] > 0;
    char value[32];
    std::snprintf(value, sizeof value, "%+.3f", values[i]);
    s += text(left - 8, y + 16, labels[i], "end", "label");
    s += "<rect class=\"" + std::string(up ? "bar-up" : "bar-down") + "\" x=\"" + num(up ? zero : zero - w) +
         "\" y=\"" + num(y + 4) + "\" width=\"" + num(w) + "\" height=\"15\"><title>" + escape(labels[i]) + ": " +
         value + "</title></rect>";
  }
  return s + "</svg>";
}

std::string radar(const std::vector<std::string>& labels, const std::vector<double>& values,
                  const std::vector<double>& reference, const std::string& title, const std::string& value_caption,
                  const std::string& reference_caption) {
  const double width = 640, height = 470, cx = width / 2, cy = 250, r = 150;
  const std::size_t n = labels.size();
  auto point = [&](std::size_t i, double v) {
    const double angle = -std::numbers::pi / 2 + 2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n);
    return std::pair<double, double>{cx + r * v * std::cos(angle), cy + r * v * std::sin(angle)};
  };
  std::string s = open(width, height, title);
  for (int ring = 1; ring <= 4; ++ring) {
    std::string pts;
    for (std::size_t i = 0; i < n; ++i) {
      const auto [x, y] = point(i, ring / 4.0);
      pts += num(x) + "," + num(y) + " ";
    }
    s += "<polygon class=\"grid\" fill=\"none\" points=\"" + pts + "\"/>";
    s += text(cx + 4, cy - r * ring / 4.0 + 12, percent_label(ring / 4.0), "start", "axis");
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto [x, y] = point(i, 1.0);
    s += line(cx, cy, x, y);
    const auto [lx, ly] = point(i, 1.18);
    const char* anchor = std::fabs(lx - cx) < 10 ? "middle" : (lx > cx ? "start" : "end");
    s += text(lx, ly + 4, labels[i], anchor, "label");
  }
  auto polygon = [&](const std::vector<double>& v, const char* cls) {
    std::string pts;
    for (std::size_t i = 0; i < n; ++i) {
      const auto [x, y] = point(i, std::isnan(v[i]) ? 0.0 : std::clamp(v[i], 0.0, 1.0));
      pts += num(x) + "," + num(y) + " ";
    }
    return "<polygon class=\"" + std::string(cls) + "\" points=\"" + pts + "\"/>";
  };
  if (!reference.empty()) s += polygon(reference, "radar-reference");
  s += polygon(values, "radar-value");
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(values[i])) continue;
    const auto [x, y] = point(i, std::clamp(values[i], 0.0, 1.0));
    s += "<circle class=\"radar-point\" cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"3.5\"><title>" +
         escape(labels[i]) + ": " + percent_label(values[i]) + "</title></circle>";
  }
  s += "<rect x=\"20\" y=\"" + num(height - 26) + "\" width=\"14\" height=\"10\" class=\"radar-value\"/>" +
       text(40, height - 17, value_caption, "start", "axis");
  if (!reference.empty())
    s += "<rect x=\"240\" y=\"" + num(height - 26) + "\" width=\"14\" height=\"10\" class=\"radar-reference\"/>" +
         text(260, height - 17, reference_caption, "start", "axis");
  return s + "</svg>";
}

std::string curve(const std::vector<double>& x, const std::vector<double>& y, const std::string& title,
                  const std::string& x_label, const std::string& y_label, const std::vector<std::size_t>& marks) {
  const double width = 520, height = 300, left = 56, right = 20, top = 32, bottom = 52;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  const double x_max = x.empty() ? 1.0 : std::max(1.0, x.back());
  std::string s = open(width, height, title);
  for (int k = 0; k <= 4; ++k) {
    const double yy = top + plot_h * (1.0 - k / 4.0);
    s += line(left, yy, left + plot_w, yy);
    s += text(left - 6, yy + 4, percent_label(k / 4.0), "end");
  }
  std::string pts;
  for (std::size_t i = 0; i < x.size(); ++i)
    pts += num(left + plot_w * x[i] / x_max) + "," + num(top + plot_h * (1.0 - std::clamp(y[i], 0.0, 1.0))) + " ";
  s += "<polyline class=\"curve\" fill=\"none\" points=\"" + pts + "\"/>";
  for (std::size_t m : marks) {
    if (m >= x.size()) continue;
    const double px = left + plot_w * x[m] / x_max, py = top + plot_h * (1.0 - y[m]);
    s += "<circle class=\"curve-mark\" cx=\"" + num(px) + "\" cy=\"" + num(py) + "\" r=\"4\"/>";
    s += text(px, py - 8, percent_label(y[m]), "middle", "value");
  }
  const int ticks = 6;
  for (int k = 0; k <= ticks; ++k)
    s += text(left + plot_w * k / ticks, top + plot_h + 16,
              std::to_string(static_cast<long long>(std::llround(x_max * k / ticks))));
  s += line(left, top + plot_h, left + plot_w, top + plot_h, "axis-line");
  s += text(left + plot_w / 2, height - 10, x_label);
  s += "<text transform=\"translate(14," + num(top + plot_h / 2) + ") rotate(-90)\" text-anchor=\"middle\" class=\"axis\">" +
       escape(y_label) + "</text>";
  return s + "</svg>";
}

std::string calibration(const std::vector<double>& predicted, const std::vector<double>& observed,
                        const std::vector<std::size_t>& counts, const std::string& title, const std::string& x_label,
                        const std::string& y_label) {
  const double size = 320, left = 56, top = 32, bottom = 52, right = 20;
  const double width = left + size + right, height = top + size + bottom;
  std::string s = open(width, height, title);
  for (int k = 0; k <= 4; ++k) {
    const double t = k / 4.0;
    s += line(left, top + size * (1 - t), left + size, top + size * (1 - t));
    s += text(left - 6, top + size * (1 - t) + 4, percent_label(t), "end");
    s += text(left + size * t, top + size + 16, percent_label(t));
  }
  s += line(left, top + size, left + size, top, "diagonal");
  std::size_t peak = 1;
  for (std::size_t c : counts) peak = std::max(peak, c);
  std::string pts;
  for (std::size_t b = 0; b < predicted.size(); ++b) {
    const double px = left + size * std::clamp(predicted[b], 0.0, 1.0);
    const double py = top + size * (1 - std::clamp(observed[b], 0.0, 1.0));
    pts += num(px) + "," + num(py) + " ";
    const double radius = 3 + 7 * std::sqrt(static_cast<double>(counts[b]) / static_cast<double>(peak));
    s += "<circle class=\"calibration-point\" cx=\"" + num(px) + "\" cy=\"" + num(py) + "\" r=\"" + num(radius) +
         "\"><title>" + percent_label(predicted[b]) + " → " + percent_label(observed[b]) + " (n = " +
         std::to_string(counts[b]) + ")</title></circle>";
  }
  s += "<polyline class=\"curve\" fill=\"none\" points=\"" + pts + "\"/>";
  s += text(left + size / 2, height - 10, x_label);
  s += "<text transform=\"translate(14," + num(top + size / 2) + ") rotate(-90)\" text-anchor=\"middle\" class=\"axis\">" +
       escape(y_label) + "</text>";
  return s + "</svg>";
}

}  // namespace pact::cli::svg
