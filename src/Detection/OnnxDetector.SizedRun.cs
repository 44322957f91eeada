using Microsoft.ML.OnnxRuntime;

namespace Lookout.Detection;

public sealed partial class OnnxDetector
{
    /// <summary>
    /// Everything that runs the model at one input size: its session (shared with the detector, or its own with the
    /// input's dimensions fixed so ONNX Runtime folds what depends on them), the preprocessor, the pinned input and
    /// output buffers bound once, the output plan and the postprocessor.
    /// </summary>
    internal sealed class SizedRun : IDisposable
    {
        private readonly List<IDisposable> _owned = [];

        public SizedRun(InferenceSession session, bool ownsSession, ModelCard card)
        {
            Session = session;
            Card = card;
            if (ownsSession)
            {
                _owned.Add(session);
            }

            Preprocessor = Own(new Preprocessor(card.Input));

            // Pinned once on the pinned object heap, so the OrtValue over it stays valid without per-frame pinning.
            Input = GC.AllocateArray<float>(Preprocessor.TensorLength, pinned: true);
            InputValue = Own(OrtValue.CreateTensorValueFromMemory(Input, [1, 3, card.Input.Height, card.Input.Width]));
        }

        public InferenceSession Session { get; }

        /// <summary>The card with this run's input size.</summary>
        public ModelCard Card { get; }

        public int Width => Card.Input.Width;

        public int Height => Card.Input.Height;

        public Preprocessor Preprocessor { get; }

        public float[] Input { get; }

        public OrtValue InputValue { get; }

        public OrtIoBinding Binding { get; private set; } = null!;

        public OutputPlan Plan { get; private set; } = null!;

        public float[] Primary { get; private set; } = [];

        public float[] Secondary { get; private set; } = [];

        public Postprocessor Postprocessor { get; private set; } = null!;

        /// <summary>When the detector last switched to this run (larger is later).</summary>
        public long LastUse { get; set; }

        /// <summary>Binds the input and the outputs <paramref name="plan"/> decodes, and keeps the postprocessor.</summary>
        public void Bind(string inputName, OutputPlan plan, Postprocessor postprocessor)
        {
            Plan = plan;
            Postprocessor = postprocessor;
            Binding = Own(Session.CreateIoBinding());
            Binding.BindInput(inputName, InputValue);
            Primary = BindOutput(plan.Primary);
            if (plan.Secondary >= 0)
            {
                Secondary = BindOutput(plan.Secondary);
            }
        }

        /// <summary>Names of the outputs the decoder reads: the YOLO tensor, or the SSD boxes then scores.</summary>
        public IReadOnlyList<string> DecodedOutputNames => Plan.Secondary >= 0
            ? [Session.OutputNames[Plan.Primary], Session.OutputNames[Plan.Secondary]]
            : [Session.OutputNames[Plan.Primary]];

        /// <summary>Values in each of <see cref="DecodedOutputNames"/>, as bound.</summary>
        public IReadOnlyList<int> DecodedOutputLengths => Plan.Secondary >= 0 ? [Primary.Length, Secondary.Length] : [Primary.Length];

        public void Dispose()
        {
            for (int i = _owned.Count - 1; i >= 0; i--)
            {
                _owned[i].Dispose();
            }
        }

        private T Own<T>(T value)
            where T : IDisposable
        {
            _owned.Add(value);
            return value;
        }

        private float[] BindOutput(int index)
        {
            string name = Session.OutputNames[index];
            long[] shape = OutputShape(index);
            long length = 1;
            foreach (long d in shape)
            {
                length *= d;
            }

            float[] buffer = GC.AllocateArray<float>(checked((int)length), pinned: true);
            OrtValue value = Own(OrtValue.CreateTensorValueFromMemory(buffer, shape));
            Binding.BindOutput(name, value);
            return buffer;
        }

        private long[] OutputShape(int index)
        {
            if (Plan.Layout == ModelLayout.Ssd)
            {
                return index == Plan.Primary ? [1, Plan.Count, 4] : [1, Plan.Count, Plan.Classes + 1];
            }

            int channels = Plan.Classes + (Plan.Layout == ModelLayout.Yolov8 ? 4 : 5);
            return Plan.ChannelsFirst ? [1, channels, Plan.Count] : [1, Plan.Count, channels];
        }
    }
}
