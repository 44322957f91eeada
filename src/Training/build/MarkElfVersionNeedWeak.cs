using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Sets VER_FLG_WEAK on the .gnu.version_r (Vernaux) entry of one symbol version in 64-bit
/// little-endian ELF files, so the dynamic loader tolerates a C++ runtime that lacks that version.
/// </summary>
public sealed class MarkElfVersionNeedWeak : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    [Required]
    public string VersionName { get; set; } = string.Empty;

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                var result = Patch(path, VersionName);
                if (result != null)
                {
                    Log.LogMessage(MessageImportance.High, "{0}: {1}", path, result);
                }
            }
            catch (InvalidDataException e)
            {
                Log.LogError("{0}: cannot mark {1} weak: {2}", path, VersionName, e.Message);
            }
        }

        return !Log.HasLoggedErrors;
    }

    /// <summary>Returns what was done, or null when nothing needed doing.</summary>
    private static string Patch(string path, string versionName)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7F || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        }

        var shoff = checked((int)BitConverter.ToUInt64(elf, 0x28));
        var shentsize = BitConverter.ToUInt16(elf, 0x3A);
        var shnum = BitConverter.ToUInt16(elf, 0x3C);
        var wanted = Encoding.ASCII.GetBytes(versionName);
        for (var s = 0; s < shnum; s++)
        {
            var header = shoff + s * shentsize;
            if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed)
            {
                continue;
            }

            var offset = checked((int)BitConverter.ToUInt64(elf, header + 0x18));
            var link = BitConverter.ToUInt32(elf, header + 0x28);
            var count = BitConverter.ToUInt32(elf, header + 0x2C);
            var strtab = checked((int)BitConverter.ToUInt64(elf, shoff + (int)link * shentsize + 0x18));

            // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
            // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
            var need = offset;
            for (var n = 0; n < count; n++)
            {
                var auxCount = BitConverter.ToUInt16(elf, need + 2);
                var aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (var a = 0; a < auxCount; a++)
                {
                    var name = strtab + (int)BitConverter.ToUInt32(elf, aux + 8);
                    if (NameEquals(elf, name, wanted))
                    {
                        var flags = BitConverter.ToUInt16(elf, aux + 4);
                        if ((flags & VerFlgWeak) != 0)
                        {
                            return null;
                        }

                        flags |= VerFlgWeak;
                        elf[aux + 4] = (byte)flags;
                        elf[aux + 5] = (byte)(flags >> 8);
                        var temp = path + ".weak.tmp";
                        File.WriteAllBytes(temp, elf);
                        // Replace rather than rewrite in place: the output copy may be a hard link into the package cache.
                        File.Delete(path);
                        File.Move(temp, path);
                        return "marked the " + Encoding.ASCII.GetString(wanted) + " version need weak so it loads with an older libstdc++";
                    }

                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }

                need += (int)BitConverter.ToUInt32(elf, need + 12);
            }
        }

        return null;
    }

    private static bool NameEquals(byte[] elf, int at, byte[] wanted)
    {
        if (at + wanted.Length >= elf.Length)
        {
            return false;
        }

        for (var i = 0; i < wanted.Length; i++)
        {
            if (elf[at + i] != wanted[i])
            {
                return false;
            }
        }

        return elf[at + wanted.Length] == 0;
    }
}
