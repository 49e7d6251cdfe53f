/* x12.h: the X12 4010 codec of drop-ship EDI (docs/edi.md). Pure C, no I/O,
 * no clock, no JSON: typed structs in, bytes or typed structs out.
 *
 *   x12_write_850   a purchase order -> one ISA/GS/ST*850 interchange
 *   x12_read        raw bytes from a partner -> a typed interchange of
 *                   855 / 856 / 846 sets (others reported as unknown)
 *   x12_write_997   a functional acknowledgement of a received interchange
 *
 * Errors: every function that can fail fills a caller-owned struct
 * x12_errors (no allocation). The reader names the place of each problem as
 * field "segment <n> (<ID>)", n counted from 1 at ISA; the writers name the
 * input field ("po_number", "lines[2].sku", "sender.isa_id").
 *
 * Ownership: the writers return bytes in a struct x12_buf whose data the
 * caller frees with free(). The reader returns one struct x12_interchange
 * that owns every string and array reachable from it (one arena); the caller
 * frees all of it with x12_interchange_free(). Input pointers are borrowed for
 * the duration of the call only. */
#ifndef OMS_X12_H
#define OMS_X12_H

#include <stdbool.h>
#include <stddef.h>

/* ---- errors ---- */

#define X12_MAX_ERRORS 20
#define X12_FIELD_MAX 48
#define X12_MESSAGE_MAX 160

struct x12_error {
  char field[X12_FIELD_MAX];     /* "segment 7 (PO1)", or an input field of a writer */
  char message[X12_MESSAGE_MAX]; /* plain ASCII; data quoted from input is made printable */
};

struct x12_errors {
  size_t n;       /* number of entries in e[] */
  bool truncated; /* more errors existed than X12_MAX_ERRORS; reading stopped there */
  struct x12_error e[X12_MAX_ERRORS];
};

/* Formats "segment <n> (<id>)" into out, for errors the caller finds itself in
 * a parsed interchange (an unknown sku at a LIN, a PO number nobody knows). */
void x12_segment_field(char out[X12_FIELD_MAX], size_t segment, const char *id);

/* ---- identities ---- */

/* X12 limits of the identities a tenant or a supplier configures. */
#define X12_QUALIFIER_LEN 2 /* ISA05 / ISA07: exactly 2 characters */
#define X12_ISA_ID_MAX 15   /* ISA06 / ISA08: 1..15 characters */
#define X12_GS_ID_MIN 2     /* GS02 / GS03: 2..15 characters */
#define X12_GS_ID_MAX 15

/* NULL when s is a usable identity value of min_len..max_len characters:
 * printable ASCII (0x21..0x7E inside, no leading or trailing space), none of
 * the separators this codec writes ('*' '>' '~'). Otherwise a static message
 * ("must be 1 to 15 characters"). */
const char *x12_id_problem(const char *s, size_t min_len, size_t max_len);

/* One side of an interchange. */
struct x12_party {
  const char *qualifier; /* ISA05/ISA07, e.g. "ZZ" (mutually defined); NULL means "ZZ" */
  const char *isa_id;    /* ISA06/ISA08, 1..15, written space-padded to 15 */
  const char *gs_id;     /* GS02/GS03, 2..15; NULL means isa_id */
};

/* A point in time the caller chose (the engine has no clock), UTC. */
struct x12_datetime {
  int year, month, day; /* 1900..2099 (ISA09 keeps YYMMDD), 1..12, 1..31 (checked) */
  int hour, minute;     /* 0..23, 0..59 */
};

/* What follows each segment terminator the writers emit. */
enum x12_eol {
  X12_EOL_NONE = 0, /* "~" alone: canonical X12, the default */
  X12_EOL_LF,       /* "~\n": one segment a line */
  X12_EOL_CRLF,     /* "~\r\n" */
};

/* Bytes a writer made: data[len] is a NUL the length does not count (the
 * documents hold no NUL). The caller frees data with free(). */
struct x12_buf {
  char *data;
  size_t len;
};

/* ---- 850 purchase order (writer) ---- */

/* The envelope of an outbound interchange. Control numbers are the caller's
 * (assigned when the PO is created, so fetching again gives the same bytes):
 *   ISA13 = interchange_control, 9 digits zero-padded (1..999999999)
 *   GS06  = group_control, unpadded (0 means interchange_control)
 *   ST02  = set_control, zero-padded to at least 4 digits (0 means group
 *           control); SE02 repeats it, GE02 repeats GS06, IEA02 repeats ISA13.
 * Passing one number for all three is fine and is what the 0 defaults do. */
struct x12_envelope {
  struct x12_party sender;   /* the tenant */
  struct x12_party receiver; /* the supplier's edi identity */
  struct x12_datetime when;  /* ISA09/ISA10, GS04/GS05 and BEG05 */
  unsigned long interchange_control;
  unsigned long group_control;
  unsigned long set_control;
  char usage;       /* ISA15: 'P' production or 'T' test; 0 means 'P' */
  enum x12_eol eol; /* after each '~' */
};

/* Ship-to. Free text: written cleaned (see x12_write_850), never refused for
 * its characters; NULL or "" fields are left out. */
struct x12_address {
  const char *name;        /* N102, required (after cleaning), at most 60 */
  const char *line1;       /* N301, at most 55 */
  const char *line2;       /* N302, at most 55 */
  const char *city;        /* N401, at most 30 */
  const char *region;      /* N402, at most 2 (a state or province code) */
  const char *postal_code; /* N403, at most 15 */
  const char *country;     /* N404, at most 3 */
};

struct x12_po_line {
  long long line;      /* PO101, 1..999999 */
  long long quantity;  /* PO102, 1..999999999999999, unit EA */
  long long unit_cost; /* PO104 in minor units (1250 -> "12.50"), 0..99999999999999999 */
  const char *sku;     /* PO107 after "SK": identifier, 1..48, refused if it needs cleaning */
};

struct x12_purchase_order {
  const char *po_number;    /* BEG03: identifier, 1..22 */
  const char *order_number; /* REF02 of REF*CO: identifier, 1..30 */
  struct x12_address ship_to;
  size_t n_lines; /* 1..999999 (CTT01) */
  const struct x12_po_line *lines;
};

/* Writes one interchange holding one 850:
 *   ISA*00*<10 spaces>*00*<10 spaces>*<q>*<sender 15>*<q>*<receiver 15>*YYMMDD*HHMM*U*00401*
 *       <ISA13 9 digits>*0*<P|T>*>~
 *   GS*PO*<sender gs>*<receiver gs>*CCYYMMDD*HHMM*<GS06>*X*004010~
 *   ST*850*<ST02>~ BEG*00*DS*<po_number>**CCYYMMDD~ REF*CO*<order_number>~
 *   N1*ST*<name>~ [N3*<line1>[*<line2>]~] [N4*<city>*<region>*<postal>*<country>~]
 *   PO1*<line>*<qty>*EA*<cost 12.50>**SK*<sku>~ ... CTT*<PO1 count>~
 *   SE*<segments ST..SE>*<ST02>~ GE*1*<GS06>~ IEA*1*<ISA13>~
 * Separators: element '*', sub-element '>' (ISA16), segment '~' (+ eol).
 * Input data cannot break the document:
 *   - identifiers (identities, po_number, order_number, sku) are refused
 *     with an error when empty, too long, or holding a separator, a control
 *     character or a non-ASCII byte: changing them would break matching;
 *   - free text (ship-to) is cleaned: a separator or control character
 *     becomes a space, an accented Latin-1 letter becomes its base letter
 *     (UTF-8 input; sharp s becomes "ss"), any other non-ASCII character
 *     becomes '?', spaces are trimmed,
 *     and the value is cut to the X12 maximum of its element.
 * Returns 0 with *out filled, or -1 with every input problem in errors and
 * *out = {NULL, 0}. */
int x12_write_850(const struct x12_envelope *env, const struct x12_purchase_order *po,
                  struct x12_buf *out, struct x12_errors *errors);

/* ---- reading ---- */

enum x12_set_type {
  X12_SET_UNKNOWN = 0, /* any other ST01 (997, 810, 850...): counted, not interpreted */
  X12_SET_855,         /* purchase order acknowledgment */
  X12_SET_856,         /* ship notice */
  X12_SET_846,         /* inventory inquiry/advice */
};

enum x12_ack_status {
  X12_ACK_ACCEPTED,    /* ACK01 IA */
  X12_ACK_REJECTED,    /* ACK01 IR */
  X12_ACK_BACKORDERED, /* ACK01 IB */
};

/* In every record, `segment` is the position (from 1 at ISA) of the segment
 * it was read from, for the caller's own errors: x12_segment_field(). */

struct x12_ack {
  size_t segment;             /* its ACK */
  enum x12_ack_status status; /* ACK01 */
  long long quantity;         /* ACK02, or -1 when absent */
};

struct x12_ack_line {
  size_t segment;          /* its PO1 */
  const char *line_number; /* PO101, or NULL when absent */
  long long quantity;      /* PO102, or -1 when absent */
  const char *sku;         /* the product id of the SK pair among PO106/PO107..., or NULL */
  size_t n_acks;           /* >= 1: the ACKs that follow this PO1 (a line may be split) */
  const struct x12_ack *acks;
};

struct x12_855 {
  size_t segment;          /* BAK */
  const char *purpose;     /* BAK01, e.g. "00" */
  const char *ack_type;    /* BAK02, e.g. "AC", "AD", "RJ" */
  const char *po_number;   /* BAK03 */
  const char *date;        /* BAK04 CCYYMMDD, or NULL */
  size_t n_lines;          /* >= 0 */
  const struct x12_ack_line *lines;
};

struct x12_ship_item {
  size_t segment;     /* its LIN */
  size_t sn1_segment; /* its SN1 */
  const char *sku;    /* the SK pair of the LIN */
  long long quantity; /* SN102, units shipped, >= 0 */
};

struct x12_ship_order {
  size_t segment;        /* its PRF */
  const char *po_number; /* PRF01 */
  size_t n_items;        /* >= 1 */
  const struct x12_ship_item *items;
};

struct x12_856 {
  size_t segment;           /* BSN, or the ST when there is no BSN */
  const char *shipment_id;  /* BSN02, or NULL */
  const char *carrier;      /* TD503, else TD505, of the first TD5 naming one; or NULL */
  size_t carrier_segment;   /* that TD5, or 0 */
  const char *tracking;     /* REF02 of the first REF*CN, or NULL */
  size_t tracking_segment;  /* that REF, or 0 */
  size_t n_orders;          /* >= 1: one per PRF */
  const struct x12_ship_order *orders;
};

struct x12_inventory_item {
  size_t segment;     /* its LIN */
  size_t qty_segment; /* its QTY*33 */
  const char *sku;    /* the SK pair of the LIN */
  long long available; /* QTY02 of QTY*33, >= 0 */
};

struct x12_846 {
  size_t n_items; /* >= 1 */
  const struct x12_inventory_item *items;
};

struct x12_set {
  size_t segment;      /* ST */
  size_t end_segment;  /* SE */
  enum x12_set_type type;
  const char *id;      /* ST01 as sent, e.g. "855" */
  const char *control; /* ST02 as sent, e.g. "0001" */
  size_t n_segments;   /* ST..SE inclusive (= SE01) */
  union {
    struct x12_855 po_ack;   /* type X12_SET_855 */
    struct x12_856 ship;     /* type X12_SET_856 */
    struct x12_846 inventory; /* type X12_SET_846 */
  } u;                 /* nothing for X12_SET_UNKNOWN */
};

struct x12_group {
  size_t segment;            /* GS */
  size_t end_segment;        /* GE */
  const char *functional_id; /* GS01: "PR" (855), "SH" (856), "IB" (846), ... */
  const char *sender_id;     /* GS02 */
  const char *receiver_id;   /* GS03 */
  const char *date;          /* GS04 CCYYMMDD */
  const char *time;          /* GS05 HHMM[SS[d..]] */
  const char *control;       /* GS06 as sent */
  unsigned long control_number;
  const char *agency;        /* GS07, "X" */
  const char *version;       /* GS08, e.g. "004010" */
  size_t n_sets;             /* >= 1 */
  const struct x12_set *sets;
};

struct x12_interchange {
  /* separators read from the ISA */
  char element_separator;    /* the byte after "ISA" */
  char subelement_separator; /* ISA16 */
  char segment_terminator;   /* the byte after ISA16 */
  char repetition_separator; /* ISA11 when it is not a letter or digit (5010 style), else 0 */
  /* ISA elements, trailing spaces removed */
  const char *auth_qualifier, *auth_info;         /* ISA01, ISA02 */
  const char *security_qualifier, *security_info; /* ISA03, ISA04 */
  const char *sender_qualifier, *sender_id;       /* ISA05, ISA06 */
  const char *receiver_qualifier, *receiver_id;   /* ISA07, ISA08 */
  const char *date;                               /* ISA09 YYMMDD */
  const char *time;                               /* ISA10 HHMM */
  const char *standards_id;                       /* ISA11 */
  const char *version;                            /* ISA12, e.g. "00401" */
  const char *control;                            /* ISA13, 9 digits as sent */
  unsigned long control_number;                   /* ISA13 as a number */
  bool ack_requested;                             /* ISA14 = 1 */
  char usage;                                     /* ISA15: 'P' or 'T' */
  size_t n_segments;                              /* ISA..IEA inclusive */
  size_t n_groups;                                /* >= 1 */
  const struct x12_group *groups;
};

/* Reads one interchange from data[0..len) (need not be NUL-terminated).
 *
 * Separators come from the ISA: the element separator is the byte at index 3,
 * the sub-element separator ISA16 (index 104), the segment terminator the
 * byte after it (index 105); any bytes that are not letters, digits, space or
 * NUL and differ from one another. CR and LF right after a terminator are
 * skipped (none, "\n" or "\r\n"), as are whitespace before the ISA and after
 * the IEA.
 *
 * Checks: the ISA is 106 characters of fixed width; ISA/IEA, GS/GE, ST/SE
 * nest; IEA01 = groups, IEA02 = ISA13, GE01 = sets, GE02 = GS06, SE01 =
 * segments ST..SE, SE02 = ST02; control numbers numeric with their X12
 * lengths, set controls unique in a group and group controls in the
 * interchange; GS01 fits ST01 (PR/855, SH/856, IB/846); required elements
 * present; quantities whole numbers >= 0; no control character or invalid
 * UTF-8 in a segment. Set rules: docs/edi.md.
 *
 * Errors: problems in element values (counts, control numbers, quantities,
 * missing elements) are collected, up to X12_MAX_ERRORS, in the order they are found
 * (a record missing a part, such as a LIN without its QTY*33, is reported when
 * the next record or the SE shows it);
 * a problem of structure (an ISA that cannot be read, a segment where the
 * envelope allows none, the end of data before IEA) is recorded and ends the
 * reading there, since nothing after it can be placed.
 *
 * Returns 0 with *out a new interchange (free with x12_interchange_free), or
 * -1 with errors->n >= 1 and *out = NULL. */
int x12_read(const char *data, size_t len, struct x12_interchange **out,
             struct x12_errors *errors);

/* Frees an interchange of x12_read and everything it holds; NULL is fine. */
void x12_interchange_free(struct x12_interchange *ic);

/* ---- 997 functional acknowledgment (writer) ---- */

struct x12_997_options {
  struct x12_datetime when;          /* ISA09/ISA10, GS04/GS05 */
  unsigned long interchange_control; /* ISA13/IEA02, 1..999999999 */
  unsigned long group_control;       /* GS06/GE02; 0 means interchange_control */
  enum x12_eol eol;                  /* ignored when the terminator is CR or LF */
  /* rejected[i] true: set i (counted over every group in document order)
   * gets AK5*R; NULL: every set accepted (AK5*A). n_rejected entries. */
  const bool *rejected;
  size_t n_rejected;
};

/* Writes the 997 of a received interchange: ISA with sender and receiver
 * swapped (their qualifiers too) and the received ISA15, then one GS*FA group
 * (GS02/GS03 = GS03/GS02 of the first received group) with one ST*997 per
 * received group: AK1*<GS01>*<GS06>, per set AK2*<ST01>*<ST02> and
 * AK5*A|R, AK9*A|P|R*<sets in GE01>*<received>*<accepted>, SE. Set controls
 * of the 997s are 0001, 0002, ... within the group.
 * The 997 uses the received interchange's element separator, sub-element
 * separator and segment terminator, so every value it echoes is one that
 * already stood between those separators. Returns 0 with *out filled, or -1
 * (bad options) with errors filled and *out = {NULL, 0}. */
int x12_write_997(const struct x12_interchange *received, const struct x12_997_options *opt,
                  struct x12_buf *out, struct x12_errors *errors);

#endif
