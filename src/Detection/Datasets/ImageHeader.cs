using System.Buffers.Binary;
using OpenCvSharp;

namespace Lookout.Detection.Datasets;

/// <summary>Reads an image's pixel size from its header so a dataset loads without decoding every image.</summary>
internal static class ImageHeader
{
    /// <summary>Width and height of the image, from the PNG/JPEG/BMP header, else by decoding it.</summary>
    /// <exception cref="DatasetException">The file is not a readable image.</exception>
    public static (int Width, int Height) ReadSize(string path)
    {
        var header = new byte[64 * 1024];
        int length;
        using (var stream = File.OpenRead(path))
        {
            length = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        var span = header.AsSpan(0, length);
        if (TryPng(span, out var size) || TryBmp(span, out size) || TryJpeg(span, out size))
        {
            return size;
        }

        // Formats without a parser here (TIFF, WebP, a JPEG whose frame header lies past the buffer).
        using var image = Cv2.ImRead(path, ImreadModes.Unchanged);
        if (image.Empty())
        {
            throw new DatasetException(path, "not a readable image; replace or remove it.");
        }

        return (image.Width, image.Height);
    }

    private static bool TryPng(ReadOnlySpan<byte> b, out (int, int) size)
    {
        size = default;
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (b.Length < 24 || !b[..8].SequenceEqual(signature))
        {
            return false;
        }

        size = (BinaryPrimitives.ReadInt32BigEndian(b[16..]), BinaryPrimitives.ReadInt32BigEndian(b[20..]));
        return true;
    }

    private static bool TryBmp(ReadOnlySpan<byte> b, out (int, int) size)
    {
        size = default;
        if (b.Length < 26 || b[0] != (byte)'B' || b[1] != (byte)'M')
        {
            return false;
        }

        // Negative height marks a top-down bitmap.
        size = (BinaryPrimitives.ReadInt32LittleEndian(b[18..]), Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(b[22..])));
        return true;
    }

    private static bool TryJpeg(ReadOnlySpan<byte> b, out (int, int) size)
    {
        size = default;
        if (b.Length < 4 || b[0] != 0xFF || b[1] != 0xD8)
        {
            return false;
        }

        var i = 2;
        while (i + 9 < b.Length)
        {
            if (b[i] != 0xFF)
            {
                return false;
            }

            var marker = b[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }

            var segmentLength = BinaryPrimitives.ReadUInt16BigEndian(b[(i + 2)..]);
            // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
            if (marker is >= 0xC0 and <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
            {
                size = (BinaryPrimitives.ReadUInt16BigEndian(b[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(b[(i + 5)..]));
                return size.Item1 > 0 && size.Item2 > 0;
            }

            i += 2 + segmentLength;
        }

        return false;
    }
}
