#!/usr/bin/perl
# x12_read.pl: reads an X12 file with X12::Parser (Debian's libx12-parser-perl),
# an X12 reader that shares no code with ours, and prints what it read:
#
#   separators element=<c> subelement=<c> segment=<bytes, \r \n escaped>
#   isa_length <characters of the ISA before its terminator>
#   loop <name of the cf loop X12::Parser placed the next segments in>
#   <ID>|<element 1>|<element 2>...      one line per segment
#
#   perl tests/x12/x12_read.pl FILE CF
# CF is an X12::Parser configuration file: the package's own 997.cf, or
# tests/x12/850_004010.cf (the package ships none for the 850).
# Exits non-zero when X12::Parser cannot read the file.
use strict;
use warnings;
use X12::Parser;

die "usage: x12_read.pl FILE CF\n" unless @ARGV == 2;
my ( $file, $cf ) = @ARGV;

my $p = X12::Parser->new;
$p->parsefile( file => $file, conf => $cf );

my $es = $p->get_element_separator;
my $term = $p->get_segment_separator;
( my $shown = $term ) =~ s/\r/\\r/g;
$shown =~ s/\n/\\n/g;
print "separators element=$es subelement=", $p->get_subelement_separator,
  " segment=$shown\n";

my $segments = 0;
while ( my $loop = $p->get_next_loop ) {
    print "loop $loop\n";
    for my $segment ( $p->get_loop_segments ) {
        $segments++;
        my @el = split( /\Q$es\E/, $segment, -1 );
        print "isa_length ", length($segment), "\n" if $el[0] eq 'ISA';
        print join( '|', @el ), "\n";
    }
}
die "x12_read.pl: X12::Parser read no segment from $file\n" unless $segments;
