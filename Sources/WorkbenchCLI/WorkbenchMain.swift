public enum WorkbenchMain {
  public static func main() {}
}
