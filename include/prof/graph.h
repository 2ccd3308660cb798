/**
 * graph.h: pprof's call graph over a loaded profile (internal/graph).
 *
 * A graph is built for one report from a read-only profile plus a view
 * (struct graph_input: which samples, which value, which frames), in the
 * command's scratch arena.  Nodes are keyed by struct node_info, computed once
 * per (location, line) at the report's granularity, so the sample walk only
 * follows dense node indices: cum is counted once per sample per node with
 * generation stamps, edges once per sample per (caller, callee) pair, no self
 * edges, inline and residual flags as pprof sets them.
 */
#ifndef PROF_GRAPH_H
#define PROF_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prof/arena.h"
#include "prof/hashmap.h"
#include "prof/profile.h"
#include "prof/util.h"

enum granularity { GRAN_DEFAULT, GRAN_FUNCTIONS, GRAN_FILEFUNCTIONS, GRAN_FILES, GRAN_LINES, GRAN_ADDRESSES };

/** What identifies a node (pprof's NodeInfo).  Strings are never NULL. */
struct node_info {
    const char *name;      /* borrowed (profile) */
    const char *orig_name; /* borrowed: system name, only with orig_names */
    uint64_t address;
    const char *file;      /* arena: cleaned */
    int64_t start_line;
    int64_t lineno;
    int64_t columnno;
    const char *objfile;   /* borrowed: mapping file, only when needed */
};

/** One frame of a view: what a (location, line) contributes.  Filters
 *  rewrite frames (hide, show, show_from, tagroot) without touching the profile. */
struct view_line {
    const struct prof_function *fn; /* borrowed, NULL for a line without function */
    int64_t line, column;
};

struct view_loc {
    const struct prof_location *loc; /* borrowed; NULL for a pseudo location */
    const struct view_line *lines;   /* innermost first; may be the profile's own lines */
    uint32_t nlines;                 /* 0 = the location has no lines (address only) */
    bool absent;                     /* removed from every stack (hide/show emptied it) */
};

struct view_sample {
    const struct prof_sample *src; /* borrowed: labels, values */
    const uint32_t *locs;          /* view location indices, leaf first */
    uint32_t nlocs;
    /* Id of the distinct stack (equal ids = equal locs), or PROF_NONE when
     * unknown.  A filter that rewrites locs must set PROF_NONE (or a new id). */
    uint32_t stack;
    int64_t value;   /* the selected sample value */
    int64_t div;     /* the -mean divisor (value 0), or 0 */
    /* The labels to display: src's, minus those -tagshow/-taghide removed.  Set by
     * filter_prepare() (filter.c) for every sample; renderers read these, not src->labels. */
    const struct prof_label *labels;
    uint32_t nlabels;
};

/** A report's view of the profile: filtered samples and rewritten locations. */
struct graph_input {
    const struct profile *prof;
    struct view_loc *locs;  /* arena: one per profile location (+ pseudo ones) */
    size_t nlocs;
    struct view_sample *samples; /* arena */
    size_t nsamples;
    size_t nstacks;              /* view_sample.stack ids are below this */
    bool has_mean;
};

struct graph_options {
    enum granularity gran;
    bool noinlines;
    bool showcolumns;
    bool obj_names;   /* keep object file names (raw, list, disasm, callgrind) */
    bool orig_names;  /* keep system names */
    bool drop_negative;
    const char *trim_path;   /* borrowed, may be "" */
    const char *source_path; /* borrowed, may be "" */
    /* Additions for the dot family (all off by default): */
    bool tags;               /* collect label and `bytes` numeric tags per node (nodelets) */
    bool call_tree;          /* build pprof's call tree (newTree) instead of a graph */
    const char *tag_unit;    /* borrowed: the -unit option, formats numeric tag names; NULL = "minimum" */
    bool own_input;          /* with tags: the input's samples are the graph's to merge in place (the
                              * caller reads them no more) */
};

struct graph_edge {
    uint32_t src, dst; /* node indices */
    int64_t weight, weight_div;
    bool residual;
    bool is_inline;
    bool removed;      /* trimmed away */
    uint32_t stamp;    /* last sample that added to it */
};

struct graph;
/** A node's tag (pprof's Tag): a label tag is a sample's string labels joined
 *  ("k:v" sorted, separated by the two characters \n); a numeric tag is one
 *  `bytes` label value, keyed by the joined labels of its sample (labelset). */
struct graph_tag {
    int64_t value;     /* numeric tags: the first value seen with this name */
    int64_t flat, flat_div, cum, cum_div;
    uint32_t labelset; /* id of the joined labels (0 = none), graph_labelset_name() */
    uint32_t combo;    /* numeric tags: id of (labelset, formatted value) */
    bool numeric;
    bool removed;      /* trimmed by graph_trim_tags */
};
/* (Names and units are looked up, not stored: a node can have a tag per
 * label set of the profile, and -dot holds them all at once.) */
/** A tag's name: the joined labels of a label tag, the formatted value of a numeric one. */
const char *graph_tag_name(const struct graph *g, const struct graph_tag *t);
/** A numeric tag's unit; "" for a label tag. */
const char *graph_tag_unit(const struct graph *g, const struct graph_tag *t);

static inline int64_t tag_flat(const struct graph_tag *t) { return t->flat_div ? div64(t->flat, t->flat_div) : t->flat; }
static inline int64_t tag_cum(const struct graph_tag *t) { return t->cum_div ? div64(t->cum, t->cum_div) : t->cum; }

struct graph_node {
    struct node_info info;
    const char *pname; /* arena: printable name, filled by graph_printable_names */
    int64_t flat, flat_div, cum, cum_div;
    uint32_t *in, *out; /* arena: edge indices */
    uint32_t nin, nout, capin, capout;
    uint32_t stamp;       /* last sample that added to cum */
    uint32_t cache_dst;   /* last callee seen, a one-entry edge cache */
    uint32_t cache_edge;
    uint32_t *tags;       /* arena: indices into graph.tags (with opt.tags), removed ones included */
    uint32_t ntags;
    uint32_t info_id;     /* the node with this node's info (itself, except for call-tree nodes) */
    uint32_t tree_parent; /* call tree: the parent whose node map holds this node (PROF_NONE: root) */
};

struct graph_tagdata; /* graph.c: per-sample labelsets and numeric tag keys */

struct graph {
    struct arena *arena;        /* borrowed: the command's scratch arena */
    struct graph_node *nodes;   /* arena (heap with nodes_heap): every node created */
    size_t nnodes;
    uint32_t *order;            /* arena: the graph's node list (pprof's g.Nodes) */
    size_t norder;
    struct graph_edge *edges;   /* heap (grows), owned */
    size_t nedges, capedges;
    struct u64map edge_map;     /* (src << 32 | dst) -> edge index */
    /* Per view location: its nodes, innermost first (PROF_NONE = not kept). */
    uint32_t *loc_first;        /* arena: index into loc_nodes */
    uint32_t *loc_count;        /* arena */
    uint32_t *loc_nodes;        /* arena */
    /* Additions (dot family): */
    size_t ninfo;               /* nodes made by graph_init; call-tree nodes follow them */
    bool call_tree;             /* nodes after ninfo are call-tree nodes */
    bool nodes_heap;            /* nodes moved to the heap (call tree; owned, capnodes) */
    size_t capnodes;
    struct graph_tag *tags;     /* heap (grows), owned; only with opt.tags */
    size_t ntags, captags;
    struct u64map tag_map;      /* (node << 32 | key) -> tag index */
    struct graph_tagdata *td;   /* arena: per-sample tag keys, NULL without opt.tags */
    struct graph_memo *memo;    /* borrowed: the shell's memo of builds, or NULL */
    const bool *edge_nodes;     /* borrowed: builds keep only edges from or to these nodes (NULL: all) */
};

/** Prepare the node map for input at the options' granularity (no samples yet). */
void graph_init(struct graph *g, struct arena *a, const struct graph_input *in, const struct graph_options *o);
/** Reset counters and edges and walk the samples; kept (a bool per node, or NULL
 *  for all) restricts the graph to those nodes as pprof's KeptNodes does. */
void graph_build(struct graph *g, const struct graph_input *in, const bool *kept, bool drop_negative);
void graph_release(struct graph *g);

/**
 * The shell's memo of builds (struct graph_memo, graph.c): the results of the
 * last builds of one graph skeleton, keyed by their kept set.  A graph made by
 * graph_from_skeleton() with a memo restores a build it has seen instead of
 * walking the samples again.  The memo is only valid for one skeleton (the
 * same input and options): clear it when the skeleton changes.
 */
struct graph_memo;
struct graph_memo *graph_memo_new(void);
void graph_memo_clear(struct graph_memo *m);
void graph_memo_free(struct graph_memo *m);
/** How many builds were restored and walked since the memo was made. */
void graph_memo_stats(const struct graph_memo *m, size_t *hits, size_t *misses);
/** A graph ready to build, as graph_init() made skel (which is not changed:
 *  nodes are copied into a, the location tables are shared).  skel must have
 *  been made without tags or call tree. */
void graph_from_skeleton(struct graph *g, const struct graph *skel, struct arena *a, struct graph_memo *memo);

static inline int64_t node_flat(const struct graph_node *n) { return n->flat_div ? div64(n->flat, n->flat_div) : n->flat; }
static inline int64_t node_cum(const struct graph_node *n) { return n->cum_div ? div64(n->cum, n->cum_div) : n->cum; }
static inline int64_t edge_value(const struct graph_edge *e) { return e->weight_div ? div64(e->weight, e->weight_div) : e->weight; }

/** Fill pname for every node in the order list. */
void graph_printable_names(struct graph *g);
/** pprof's NodeInfo.PrintableName into the arena. */
const char *node_printable_name(struct arena *a, const struct node_info *ni);

enum node_order { ORDER_FLAT, ORDER_CUM, ORDER_ENTROPY };
void graph_sort(struct graph *g, enum node_order order);

/** Trimming, as pprof's newTrimmedGraph. */
struct trim_options {
    int nodecount;       /* <= 0: no limit */
    double nodefraction;
    double edgefraction;
    bool visual;         /* dot: nodelets count toward nodecount, redundant edges removed */
    /* NULL, or the only nodes whose edges the report reads (peek: the nodes it
     * prints): other edges are not made, which saves most of a big graph's
     * edge work.  A bool per node (ninfo + 1). */
    const bool *edge_nodes;
    enum node_order order;
};
struct trim_result {
    int orig_count;
    int dropped_nodes;
    int dropped_edges;
};
void graph_trimmed(struct graph *g, const struct graph_input *in, const struct graph_options *o,
                   const struct trim_options *t, struct trim_result *res);

/** Sum of flat values of the graph's nodes. */
int64_t graph_flat_sum(const struct graph *g);

/** Edges sorted as pprof's EdgeMap.Sort (|weight| desc, src name, dst name); arena array. */
uint32_t *graph_sorted_edges(struct graph *g, const uint32_t *edges, uint32_t n);

/** Build pprof's call tree (newTree): nodes are keyed per parent; no kept set. */
void graph_build_tree(struct graph *g, const struct graph_input *in, bool drop_negative);

/** The joined labels of a labelset id ("" for 0). */
const char *graph_labelset_name(const struct graph *g, uint32_t labelset);

/** pprof's TrimLowFrequencyTags: drop tags with |flat| and |cum| below cutoff. */
void graph_trim_tags(struct graph *g, int64_t cutoff);
/** pprof's TrimLowFrequencyEdges over the graph's nodes; returns the number removed. */
int graph_trim_edges(struct graph *g, int64_t cutoff);
/** pprof's RemoveRedundantEdges (residual edges whose destination stays reachable). */
void graph_remove_redundant_edges(struct graph *g);
/** pprof's TrimTree: keep the call-tree nodes in kept, reconnect children of the others. */
void graph_trim_tree(struct graph *g, const bool *kept);
/** pprof's ShortenFunctionName into the arena (or name itself when unchanged). */
const char *graph_shorten_name(struct arena *a, const char *name);

/** Go's filepath.Clean into the arena. */
const char *path_clean(struct arena *a, const char *path);

#endif
