// A small C++ program for the symbolization tests: templates, inlined
// functions, an anonymous namespace, a lambda, a class template's member.
// Built by the tests with g++ -g -O2 and never run: tests/symbolize/mkprof.py
// writes a profile whose addresses fall inside its functions.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace geo {

template <typename T>
struct Vec {
    T x, y;
};

template <typename T>
inline T dot(const Vec<T> &a, const Vec<T> &b)
{
    return a.x * b.x + a.y * b.y;
}

template <typename T>
inline T norm2(const Vec<T> &a)
{
    return dot(a, a);
}

template <typename T>
__attribute__((noinline)) T sum_norms(const std::vector<Vec<T>> &v)
{
    T s = 0;
    for (const auto &a : v)
        s += norm2(a);
    return s;
}

template <typename T>
class Grid {
public:
    explicit Grid(int n) : n_(n), cells_(static_cast<size_t>(n) * n) {}
    __attribute__((noinline)) T smooth(int rounds);

private:
    int n_;
    std::vector<T> cells_;
};

template <typename T>
T Grid<T>::smooth(int rounds)
{
    for (int r = 0; r < rounds; r++)
        for (int i = 1; i + 1 < n_ * n_; i++)
            cells_[i] = (cells_[i - 1] + cells_[i] + cells_[i + 1]) / 3;
    return cells_[n_];
}

} // namespace geo

namespace {

struct Accum {
    long total = 0;
    __attribute__((noinline)) void add(long v);
};

void Accum::add(long v)
{
    total += v * 3 + (v >> 2);
}

} // namespace

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    std::vector<geo::Vec<double>> v(n);
    for (int i = 0; i < n; i++)
        v[i] = {i * 0.5, i * 0.25};
    std::vector<int> ints(n);
    for (int i = 0; i < n; i++)
        ints[i] = (i * 7919) % 1000;
    std::sort(ints.begin(), ints.end(), [](int a, int b) { return a % 100 < b % 100; });
    Accum acc;
    for (int i = 0; i < n; i++)
        acc.add(ints[i]);
    geo::Grid<float> g(64);
    printf("%f %ld %f\n", geo::sum_norms(v), acc.total, g.smooth(3));
    return 0;
}
