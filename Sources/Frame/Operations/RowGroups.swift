/// Rows grouped by the values of some columns, as `group_by` and `dedupe` group them (nulls form their own group,
/// NaN equals NaN, -0.0 equals 0.0): for cells that evaluate something per group without aggregating a table.
public struct RowGroups: Sendable {
  /// Group id of every row, 0-based, numbered in order of first appearance.
  public let groupOfRow: [Int]
  /// The first row of each group (so the group's key values are the key columns at that row).
  public let firstRow: [Int]

  public var count: Int { firstRow.count }
}

extension TableOperations {
  /// Groups the rows of `frame` by `columns` (no columns: every row in one group, none when the frame is empty).
  public static func rowGroups(_ frame: Frame, by columns: [String]) throws(TableOperationError) -> RowGroups {
    var keys: [Column] = []
    for name in columns { keys.append(try column(name, in: frame)) }
    let grouper = RowGrouper(columns: keys, rowCount: frame.rowCount)
    return RowGroups(groupOfRow: grouper.groupOfRow, firstRow: grouper.firstRow)
  }
}
