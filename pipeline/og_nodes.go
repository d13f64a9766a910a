package pipeline

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/civisync/civisync/formats"
)

// Which nodes are Organic Groups (SPEC §1.2). civicrm_og_sync syncs node
// groups only: a Drupal 7 row whose group_type is another entity type (a
// taxonomy term, a user) is of another group, whatever its number. Of the
// nodes, the groups are those Drupal 6's og table or Drupal 7's group_group
// field lists (--og-groups); without that list, when the groups file is the
// whole node table, those that a membership or a role names.

// nodeGroup reports whether an OG row (a membership, a role) of group gid
// belongs to a node group that may be synced; the others are reviewed and
// counted as such. groupType is the row's group_type cell (none: a node's).
func (x *Extractor) nodeGroup(d *OGData, st *FileStats, groupType string, gid, uid int64, src Src, what string) bool {
	if groupType != "" && groupType != "node" {
		if t := clean(groupType); t != "" && !strings.EqualFold(t, "node") {
			x.Review.Add(KindNotANodeGroup, src, uid, 0, fmt.Sprintf("%s of group %d, a %s: civicrm_og_sync syncs node groups only; left out", what, gid, t))
			x.reviewed(st, src.Line)
			return false
		}
	}
	if d.ogGroups != nil {
		if _, ok := d.ogGroups[gid]; !ok {
			x.Review.Add(KindNotAGroup, src, uid, 0, fmt.Sprintf("%s of node %d, which %s does not list as an Organic Group; left out", what, gid, d.ogGroupsFile))
			x.reviewed(st, src.Line)
			return false
		}
	}
	return true
}

// extractOGGroups reads --og-groups: Drupal 6's og (a row per group node)
// or Drupal 7's field_data_group_group (group_group_value 1 for a group;
// rows of other entity types and of deleted fields do not count).
func (x *Extractor) extractOGGroups(in Input, d *OGData) error {
	r, b, st, err := x.table(in, &formats.OGGroupsSchema)
	if err != nil {
		return err
	}
	cID, cType, cValue, cDeleted := b.Col("gid"), b.Col("entity_type"), b.Col("group_group"), b.Col("deleted")
	d.ogGroups, d.ogGroupsFile = map[int64]Src{}, st.File
	if cValue < 0 {
		d.Module = OGModule6 // Drupal 6's og table; a memberships file says for itself
	}
	return x.each(r, b, st, func(rec []string, src Src) error {
		raw := clean(formats.Cell(rec, cID))
		gid, ok := parseID(raw)
		if !ok || gid == 0 {
			return idError(src, b, "gid", raw)
		}
		if t := clean(formats.Cell(rec, cType)); t != "" && !strings.EqualFold(t, "node") {
			st.Skipped++ // a group of another entity type
			return nil
		}
		if deleted, _ := truthy(formats.Cell(rec, cDeleted)); deleted {
			st.Skipped++ // a deleted field's data
			return nil
		}
		if cValue >= 0 {
			if on, _ := truthy(formats.Cell(rec, cValue)); !on {
				st.Skipped++ // group_group 0: not a group
				return nil
			}
		}
		if _, seen := d.ogGroups[gid]; !seen {
			d.ogGroups[gid] = src
		}
		st.Used++
		return nil
	})
}

// addListedGroups makes a group of every node --og-groups lists that no
// row has named yet: a group with no members is a group all the same.
func (d *OGData) addListedGroups() {
	var missing []int64
	for gid := range d.ogGroups {
		if _, ok := d.byGID[gid]; !ok {
			missing = append(missing, gid)
		}
	}
	slices.Sort(missing)
	for _, gid := range missing {
		d.Groups[d.group(gid, "", d.ogGroups[gid])].Node = true
	}
}

// groupNodes is the groups file, opened: group nodes, or the whole node
// table.
type groupNodes struct {
	x    *Extractor
	r    formats.Reader
	b    *formats.Binding
	st   *FileStats
	read bool // read (and so closed)
}

func (x *Extractor) openGroupNodes(in Input) (*groupNodes, error) {
	r, b, st, err := x.table(in, &formats.GroupsSchema)
	if err != nil {
		return nil, err
	}
	return &groupNodes{x: x, r: r, b: b, st: st}, nil
}

// close closes the file if it was never read: another file failed first.
func (n *groupNodes) close() {
	if !n.read {
		n.read = true
		n.r.Close()
	}
}

// wholeTable reports whether the file is Drupal's node table, every
// content type's nodes, rather than a list of group nodes.
func (n *groupNodes) wholeTable() bool { return n.b.Col("type") >= 0 }

// readNodes reads the nodes. A node --og-groups does not list is no group; with
// named, neither is a node that no membership or role has named, and one
// that a row named by title alone takes its id.
func (n *groupNodes) readNodes(d *OGData, named bool) error {
	n.read = true
	x, b, st := n.x, n.b, n.st
	cID, cTitle, cAuthor := b.Col("gid"), b.Col("title"), b.Col("author")
	return x.each(n.r, b, st, func(rec []string, src Src) error {
		raw := clean(formats.Cell(rec, cID))
		gid, ok := parseID(raw)
		if !ok || gid == 0 {
			return idError(src, b, "gid", raw)
		}
		i, seen := d.byGID[gid]
		if seen && d.Groups[i].Node {
			st.Skipped++ // node revisions repeat the node
			return nil
		}
		title := clean(formats.Cell(rec, cTitle))
		switch {
		case d.ogGroups != nil:
			if _, listed := d.ogGroups[gid]; !listed {
				st.Skipped++ // not a group
				return nil
			}
			i = d.group(gid, title, src)
		case named && seen:
			i = d.group(gid, title, src)
		case named:
			j, byTitle := d.byTitle[strings.ToLower(title)]
			if !byTitle || title == "" || d.Groups[j].GID != "" {
				st.Skipped++ // no row names it: not a group
				return nil
			}
			i = j
			d.Groups[i].GID, d.Groups[i].Title = strconv.FormatInt(gid, 10), strings.Clone(title)
			d.byGID[gid] = i
		default:
			i = d.group(gid, title, src)
		}
		g := &d.Groups[i]
		if named {
			// A group is placed at its node, as when nodes come first.
			g.Src, g.User = src, 0
		}
		g.Node = true
		if a := clean(formats.Cell(rec, cAuthor)); a != "" {
			if uid, ok := parseID(a); ok {
				g.Author = uid
			}
		}
		st.Used++
		return nil
	})
}
