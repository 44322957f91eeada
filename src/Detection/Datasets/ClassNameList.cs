namespace Lookout.Detection.Datasets;

/// <summary>Reads and writes class-name files: one name a line, blank lines and <c>#</c> comments skipped.</summary>
public static class ClassNameList
{
    public static IReadOnlyList<string> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException(path, "class-name file not found; write one class name per line, in class-id order.");
        }

        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var name = raw.Trim();
            if (name.Length == 0 || name.StartsWith('#'))
            {
                continue;
            }

            if (!seen.Add(name))
            {
                throw new DatasetException(path, $"line {lineNumber}: class '{name}' is listed twice; each class name must appear once.");
            }

            names.Add(name);
        }

        if (names.Count == 0)
        {
            throw new DatasetException(path, "the class-name file lists no classes; write one class name per line.");
        }

        return names;
    }

    /// <summary>Writes the names, one a line, under a temporary name renamed when complete.</summary>
    public static void Write(string path, IEnumerable<string> names)
    {
        var temp = path + ".tmp";
        File.WriteAllLines(temp, names);
        File.Move(temp, path, overwrite: true);
    }
}
